"""Re-sealing stored reports under a new PII key (key rotation).

Procedure (also in the intake docs of `POST /v1/admin/pii-rotation`):

1. Make a new key (`python -c "from shared.pii import new_pii_key; print(new_pii_key())"`) and
   put it FIRST in `CLAIMLINE_PII_KEYS`, keeping the old key after it: `new,old`.
2. Restart every intake replica. New reports are now sealed under the new key; old ones are
   still read with the old key, and still found as duplicates.
3. Rotate: `POST /v1/admin/pii-rotation` (scope `admin`) once, or `rotate_pii` from a shell.
   Each report's `sealed` details are re-encrypted and its duplicate fingerprint re-keyed under
   the new key, 500 reports per transaction; reports already under the new key are skipped,
   so the rotation can be stopped and run again. The answer counts what it did; when
   `failed` is 0, every stored report is under the new key.
4. Remove the old key from `CLAIMLINE_PII_KEYS` and restart again.

A report whose details no configured key opens is counted in `failed` and left as it is
(its id is logged, never its content).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake.models import InjuryReport
from services.intake.reports import plain_fingerprint
from services.intake.sealing import ReportSealer
from shared.pii import PiiKeyMissing

log = logging.getLogger(__name__)


@dataclass
class RotationResult:
    examined: int = 0
    rotated: int = 0
    already_current: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def rotate_pii(
    sessions: async_sessionmaker[AsyncSession], sealer: ReportSealer, *, batch_size: int = 500,
) -> RotationResult:
    """Re-seal every stored report under the sealer's first key (see the module docstring)."""
    result = RotationResult()
    after = ""
    while True:
        async with sessions() as session, session.begin():
            rows = (await session.execute(
                select(InjuryReport.id, InjuryReport.sealed, InjuryReport.fingerprint)  # type: ignore[call-overload]
                .where(InjuryReport.id > after)  # type: ignore[arg-type]
                .order_by(InjuryReport.id)  # type: ignore[arg-type]
                .limit(batch_size)
                .with_for_update()
            )).all()
            if not rows:
                break
            after = rows[-1][0]
            changes = []
            for report_id, sealed, fingerprint in rows:
                result.examined += 1
                if sealer.sealed_under_primary(sealed):
                    rekeyed = sealer.fingerprint(plain_fingerprint(sealer.open(sealed)))
                    if rekeyed == fingerprint:
                        result.already_current += 1
                        continue
                    changes.append({"report_id": report_id, "resealed": sealed, "rekeyed": rekeyed})
                    continue
                try:
                    resealed = sealer.reseal(sealed)
                    details = sealer.open(resealed)
                except PiiKeyMissing:
                    result.failed += 1
                    log.error("report %s: no configured PII key opens its details", report_id)
                    continue
                changes.append({"report_id": report_id, "resealed": resealed,
                                "rekeyed": sealer.fingerprint(plain_fingerprint(details))})
            if changes:
                table = InjuryReport.__table__  # type: ignore[attr-defined]
                await session.execute(
                    update(table).where(table.c.id == bindparam("report_id"))
                    .values(sealed=bindparam("resealed"), fingerprint=bindparam("rekeyed")),
                    changes,
                )
            result.rotated += len(changes)
    log.info("PII rotation: %s", result.as_dict())
    return result
