from services.notify.models import notify_registry
from shared.db import shared_registry
from shared.migrate import run_environment

run_environment([shared_registry.metadata, notify_registry.metadata])
