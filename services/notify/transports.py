"""How a message leaves Claimline: one transport per channel, chosen by settings.

- webhook: HTTP POST of the CloudEvent JSON, signed (`webhooks.signature`), with the
  notification id in `X-Claimline-Delivery` so a receiver can drop a repeated delivery.
- sms: an HTTP gateway (`CLAIMLINE_SMS_GATEWAY_URL`), POST `{"to", "body"}`.
- email: SMTP (`CLAIMLINE_SMTP_URL`), stdlib `smtplib` in a worker thread.
- file: where SMS or email has nothing configured (the embedded development system), each
  message is appended as a JSON line to `<data_dir>/deliveries/<channel>.jsonl` and counts as
  delivered by `file`, which the delivery log shows: a developer sees the page there.

A transport raises `DeliveryError` when an attempt fails (it is tried again later) and
`Undeliverable` when trying again cannot help. Nothing here logs a message's text.
"""

from __future__ import annotations

import asyncio
import json
import smtplib
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import httpx

from services.notify.settings import NotifySettings
from services.notify.webhooks import DELIVERY_HEADER, SIGNATURE_HEADER, signature
from shared.db import utcnow


@dataclass(frozen=True)
class Delivery:
    """One attempt at one notification, as the worker hands it to a transport."""

    notification_id: str
    channel: str
    recipient: str
    event_type: str
    attempt: int
    message: bytes  # sms/email: JSON {"subject"?, "text"}; webhook: the CloudEvent JSON
    secret: str | None = None  # webhooks: the subscription's signing secret
    problem: str | None = None  # why it cannot be sent at all (e.g. subscription deleted)


class DeliveryError(Exception):
    """The attempt failed; a later one may succeed."""


class Undeliverable(DeliveryError):
    """No attempt can succeed."""


class Transport(Protocol):
    name: str

    async def send(self, delivery: Delivery) -> None: ...


def _error_text(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _text(delivery: Delivery) -> dict[str, str]:
    document: dict[str, str] = json.loads(delivery.message)
    return document


class WebhookTransport:
    name = "http"

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(self, delivery: Delivery) -> None:
        if delivery.secret is None:
            raise Undeliverable("the subscription has no secret to sign with")
        headers = {
            "Content-Type": "application/cloudevents+json",
            SIGNATURE_HEADER: signature(delivery.secret, delivery.message, int(time.time())),
            DELIVERY_HEADER: delivery.notification_id,
            "User-Agent": "claimline-notify",
        }
        try:
            answer = await self.client.post(delivery.recipient, content=delivery.message, headers=headers)
        except httpx.HTTPError as error:
            raise DeliveryError(_error_text(error)) from None
        if not 200 <= answer.status_code < 300:
            raise DeliveryError(f"HTTP {answer.status_code} from the receiver")


class SmsGatewayTransport:
    name = "sms-gateway"

    def __init__(self, client: httpx.AsyncClient, url: str, token: str) -> None:
        self.client = client
        self.url = url
        self.headers = {"User-Agent": "claimline-notify"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    async def send(self, delivery: Delivery) -> None:
        headers = {**self.headers, DELIVERY_HEADER: delivery.notification_id}
        body = {"to": delivery.recipient, "body": _text(delivery)["text"]}
        try:
            answer = await self.client.post(self.url, json=body, headers=headers)
        except httpx.HTTPError as error:
            raise DeliveryError(_error_text(error)) from None
        if not 200 <= answer.status_code < 300:
            raise DeliveryError(f"HTTP {answer.status_code} from the SMS gateway")


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool  # smtps: TLS from the start
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """`smtp://[user:password@]host[:port]` (port 25) or `smtps://...` (port 465)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("CLAIMLINE_SMTP_URL must look like smtp://host:25 or smtps://host:465")
        tls = parts.scheme == "smtps"
        return cls(host=parts.hostname, port=parts.port or (465 if tls else 25), tls=tls,
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)


class SmtpTransport:
    name = "smtp"

    def __init__(self, server: SmtpServer, sender: str, starttls: bool, timeout_s: float) -> None:
        self.server = server
        self.sender = sender
        self.starttls = starttls
        self.timeout_s = timeout_s

    def _send_now(self, message: EmailMessage) -> None:
        server = self.server
        connection = (smtplib.SMTP_SSL if server.tls else smtplib.SMTP)(
            server.host, server.port, timeout=self.timeout_s)
        with connection as smtp:
            if self.starttls and not server.tls:
                smtp.starttls()
            if server.username:
                smtp.login(server.username, server.password or "")
            smtp.send_message(message)

    async def send(self, delivery: Delivery) -> None:
        document = _text(delivery)
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = delivery.recipient
        message["Subject"] = document.get("subject", "Claimline")
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{delivery.notification_id}@notify.claimline>"
        message[DELIVERY_HEADER] = delivery.notification_id
        message.set_content(document["text"])
        try:
            await asyncio.to_thread(self._send_now, message)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(_error_text(error)) from None


class FileTransport:
    """Appends each message as a JSON line to `<folder>/<channel>.jsonl` (development)."""

    name = "file"
    _lock = threading.Lock()

    def __init__(self, folder: Path, channel: str) -> None:
        self.path = folder / f"{channel}.jsonl"

    def _append(self, line: str) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(line + "\n")

    async def send(self, delivery: Delivery) -> None:
        document = _text(delivery)
        line = json.dumps({
            "notification_id": delivery.notification_id, "channel": delivery.channel,
            "to": delivery.recipient, "subject": document.get("subject"), "text": document["text"],
            "written_at": utcnow().isoformat(),
        })
        try:
            await asyncio.to_thread(self._append, line)
        except OSError as error:
            raise DeliveryError(_error_text(error)) from None


@dataclass(frozen=True)
class Transports:
    sms: Transport
    email: Transport
    webhook: Transport

    def for_channel(self, channel: str) -> Transport:
        transport: Transport = getattr(self, channel)
        return transport

    @classmethod
    def from_settings(cls, settings: NotifySettings, client: httpx.AsyncClient) -> Transports:
        drop = settings.data_dir / "deliveries"
        sms: Transport = (SmsGatewayTransport(client, settings.sms_gateway_url, settings.sms_gateway_token)
                          if settings.sms_gateway_url else FileTransport(drop, "sms"))
        email: Transport = (SmtpTransport(SmtpServer.from_url(settings.smtp_url), settings.smtp_from,
                                          settings.smtp_starttls, settings.delivery_timeout_s)
                            if settings.smtp_url else FileTransport(drop, "email"))
        return cls(sms=sms, email=email, webhook=WebhookTransport(client))
