"""The bus of one service: topics, producer, outbox relay, consumers and the epoch watch.

A supervisor connects, watches the broker, and on any trouble tears the Kafka clients down
and builds them anew (the dev broker's consumers never rejoin after it restarts). The HTTP
side never waits for any of this: writes only touch the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.bus.consumer import ConsumerLoop, Subscription
from shared.bus.epoch import establish_epoch, read_epoch
from shared.bus.kafka import ensure_topics, make_admin, make_producer, topics_exist
from shared.bus.outbox import wake_on_commit
from shared.bus.relay import OutboxRelay
from shared.bus.tables import BusState
from shared.metrics import BROKER_CONNECTED, BROKER_RESETS, OUTBOX_REPLAYED
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

EPOCH_STATE = "broker_epoch"


async def cancel_until_done(task: asyncio.Task[None], limit_s: float) -> None:
    """Cancel `task` and wait for it, cancelling again if a client library swallowed the
    cancellation (aiokafka can turn one into a connection error, which the loops retry)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not task.done() and loop.time() < deadline:
        task.cancel()
        await asyncio.wait({task}, timeout=0.5)
    if task.done() and not task.cancelled():
        task.exception()  # retrieved, so asyncio does not warn about it


class BrokerReset(Exception):
    """The broker lost its data (epoch marker missing or changed)."""


class Bus:
    def __init__(
        self, settings: ServiceSettings, sessions: async_sessionmaker[AsyncSession],
        subscriptions: list[Subscription],
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.subscriptions = subscriptions
        self.relay = OutboxRelay(settings, sessions)
        self.state = "starting"
        self.epoch: str | None = None
        self.last_error: str | None = None
        self.resets_seen = 0
        self._admin: AIOKafkaAdminClient | None = None
        self._producer: AIOKafkaProducer | None = None
        self._consumer_tasks: list[asyncio.Task[None]] = []
        self._consumer_loops: list[ConsumerLoop] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        wake_on_commit(sessions, self.relay.wake)

    def status(self) -> dict[str, object]:
        return {"state": self.state, "epoch": self.epoch, "last_error": self.last_error,
                "resets_seen": self.resets_seen,
                "consumers": {loop.subscription.consumer: "joined" if loop.joined else "joining"
                              for loop in self._consumer_loops}}

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self.relay.run(), name=f"{self.settings.service}-relay"),
            asyncio.create_task(self._supervise(), name=f"{self.settings.service}-bus"),
        ]

    async def stop(self) -> None:
        self._stopping = True
        self.relay.stopping = True
        for task in self._tasks:
            await cancel_until_done(task, 15)
        await self._disconnect()

    async def _supervise(self) -> None:
        backoff = 0.25
        while not self._stopping:
            try:
                await self._connect()
                backoff = 0.25
                await self._watch()
            except asyncio.CancelledError:
                raise
            except BrokerReset as reset:
                log.warning("%s: %s; rebuilding Kafka clients", self.settings.service, reset)
                self.last_error = str(reset)
            except Exception as error:  # noqa: BLE001 - any broker trouble: rebuild and retry
                self.last_error = repr(error)
                log.warning("%s: broker unavailable: %r", self.settings.service, error)
            BROKER_CONNECTED.labels(self.settings.service).set(0)
            self.state = "reconnecting"
            await self._disconnect()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    async def _connect(self) -> None:
        self._admin = make_admin(self.settings)
        await self._admin.start()
        await ensure_topics(self._admin, self.settings)
        self._producer = make_producer(self.settings)
        await self._producer.start()
        epoch = await establish_epoch(self.settings, self._producer)
        await self._adopt_epoch(epoch)
        self.relay.broker_failed.clear()
        self.relay.producer = self._producer
        self.relay.wake()
        self._consumer_loops = [
            ConsumerLoop(self.settings, self.sessions, s, epoch) for s in self.subscriptions
        ]
        self._consumer_tasks = [
            asyncio.create_task(loop.run(), name=f"consumer-{loop.subscription.consumer}")
            for loop in self._consumer_loops
        ]
        self.state = "connected"
        self.last_error = None
        BROKER_CONNECTED.labels(self.settings.service).set(1)
        log.info("%s connected to the broker (epoch %s)", self.settings.service, epoch)

    async def _adopt_epoch(self, epoch: str) -> None:
        """Remember the broker's epoch; if it changed since we last published, replay the outbox."""
        async with self.sessions() as session, session.begin():
            state = await session.get(BusState, EPOCH_STATE)
            if state is not None and state.value != epoch:
                replayed = await self.relay.replay_retained(session)
                self.resets_seen += 1
                BROKER_RESETS.labels(self.settings.service).inc()
                OUTBOX_REPLAYED.labels(self.settings.service).inc(replayed)
                log.warning("%s: broker epoch changed %s -> %s; re-publishing %d outbox rows",
                            self.settings.service, state.value, epoch, replayed)
            if state is None:
                session.add(BusState(name=EPOCH_STATE, value=epoch))
            else:
                state.value = epoch
        self.epoch = epoch

    async def _watch(self) -> None:
        assert self._admin is not None
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.relay.broker_failed.wait(),
                                       self.settings.broker_check_interval_s)
            for task in self._consumer_tasks:
                if task.done():
                    error = task.exception() if not task.cancelled() else None
                    raise RuntimeError(f"consumer {task.get_name()} stopped: {error!r}")
            if not await topics_exist(self._admin):
                raise BrokerReset("topics are missing")
            epoch = await read_epoch(self.settings)
            if epoch != self.epoch:
                raise BrokerReset(f"epoch marker is {epoch}, was {self.epoch}")
            if self.relay.broker_failed.is_set():
                self.relay.broker_failed.clear()
                self.relay.wake()

    async def _disconnect(self) -> None:
        self.relay.producer = None
        for task in self._consumer_tasks:
            await cancel_until_done(task, 15)
        self._consumer_tasks = []
        self._consumer_loops = []
        if self._producer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._producer.stop(), 10)
            self._producer = None
        if self._admin is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._admin.close(), 5)
            self._admin = None
