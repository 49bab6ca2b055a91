from shared.db import shared_registry
from shared.migrate import run_environment

run_environment([shared_registry.metadata])
