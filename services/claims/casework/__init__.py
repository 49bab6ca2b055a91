"""The claims unit of work: each operation changes a claim, records it in the claim's
history and stages `claims.claim-changed` (and `claims.payment-issued`) in the outbox, all
in the caller's transaction. Rules come from the plain modules; casework only glues them to
the tables, one module per concern:

- `claim_file`: load and lock a claim, its facts for the clocks, history + event, status
- `connecticut_time`: the Connecticut calendar day of an instant
- `refusals`: 404 / 409 / 422 answers and the checks every dated entry passes
- `roster`, `assignment`: caseloads; adjusters, nurse case managers, CGS 7-433c
- `lifecycle`, `form36`: decisions, close, reopen, reclassification; Form 36 (CGS 31-296)
- `reserves`, `payments`: the reserve log; the payments ledger and its reversals
- `wage`, `benefits`: wage and compensation rate; incapacity, MMI, agreements and awards
- `contacts`: first contacts and the employer's first report
"""
