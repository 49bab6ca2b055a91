"""The `claimline` command: run the services, the embedded system, keys and operations."""
