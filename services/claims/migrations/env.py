from services.claims.models import claims_registry
from shared.db import shared_registry
from shared.migrate import run_environment

run_environment([shared_registry.metadata, claims_registry.metadata])
