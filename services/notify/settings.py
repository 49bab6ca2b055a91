"""The notify service's settings (`CLAIMLINE_*` variables, read when the service starts)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    """Channels and the delivery worker.

    Email goes by SMTP when `CLAIMLINE_SMTP_URL` is set (`smtp://[user:password@]host:port`,
    `smtps://` for TLS from the start, `CLAIMLINE_SMTP_STARTTLS=true` to upgrade a plain
    connection), SMS by an HTTP gateway when `CLAIMLINE_SMS_GATEWAY_URL` is set (POST JSON
    `{"to", "body"}`, `Authorization: Bearer CLAIMLINE_SMS_GATEWAY_TOKEN` when given). A channel
    with nothing configured is written to `<data_dir>/deliveries/<channel>.jsonl` instead (the
    `file` transport of the embedded development system), and the delivery log says so.

    A failed delivery is tried again after `delivery_backoff_s`, then after that times
    `delivery_backoff_factor`, and so on, `delivery_max_attempts` attempts in all (6 attempts
    from 60 s doubling: the last about 31 minutes after the first); then it is `failed` and
    `notify.delivery-failed` is published.
    """

    smtp_url: str = ""
    smtp_from: str = "Claimline <notify@claimline.invalid>"
    smtp_starttls: bool = False
    sms_gateway_url: str = ""
    sms_gateway_token: str = ""

    delivery_max_attempts: int = 6
    delivery_backoff_s: float = 60.0
    delivery_backoff_factor: float = 2.0
    delivery_timeout_s: float = 10.0  # one attempt: connect, send, answer
    delivery_concurrency: int = 16  # attempts in flight at once
    delivery_poll_interval_s: float = 1.0  # new notifications wake the worker at once; retries poll
    # Live webhook subscriptions are cached in-process: re-read at most this often (changes
    # made through this process apply at once; through another replica, within this time).
    webhook_subscriptions_ttl_s: float = 2.0
