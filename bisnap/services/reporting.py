"""``client.reporting``: transaction history list (one page, or every page) and detail.

The date-range rules (spec §5.6.1) are checked before sending against ``self.clock``
(``client.reporting.clock = ...`` to use another clock). Every page is its own call with its
own ``X-EXTERNAL-ID``; history calls are read-only, so transient failures are retried.
"""

from __future__ import annotations

import calendar
import inspect
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from typing_extensions import ParamSpec

from bisnap.errors import ProtocolError, RequestValidationError
from bisnap.models.common import build_request
from bisnap.models.reporting import (
    HISTORY_MAX_PAGE_SIZE,
    HistoryEntry,
    HistoryListRequest,
    HistoryListResponse,
    check_history_range,
    earliest_history_start,
)
from bisnap.services.base import AsyncCaller, AsyncService, SyncCaller, SyncService
from bisnap.services.core import CallOptions
from bisnap.services.endpoint import Endpoint
from bisnap.services.fields import HistoryDetailFields, HistoryListFields
from bisnap.services.method import NamespaceMethod
from bisnap.services.operations import HISTORY_DETAIL
from bisnap.services.operations import HISTORY_PAGE as HISTORY_LIST
from bisnap.timestamps import JAKARTA, Clock, TimestampStyle, format_timestamp, system_clock

# The operations of bisnap.services.operations, under their family names, then the namespaces.
__all__ = [
    "HISTORY_DETAIL",
    "HISTORY_LIST",
    "AsyncReporting",
    "HistoryPagesKeywords",
    "Reporting",
    "ReportingEndpoints",
]

P = ParamSpec("P")
_Item = TypeVar("_Item")
_ItemOut = TypeVar("_ItemOut", covariant=True)


def _months_before(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _checked(
    service: Any, built: HistoryListRequest, options: Mapping[str, Any]
) -> HistoryListRequest:
    """The request with both dates filled in and checked against ``service.clock`` (the
    Payouts copy of the page makes them mandatory; the Reporting page's defaults are used:
    three months ago and now)."""
    now = service.clock()
    start = built.from_date_time.to_datetime() if built.from_date_time else None
    end = built.to_date_time.to_datetime() if built.to_date_time else None
    check_history_range(start, end, now)
    if start is None or end is None:
        local = now.astimezone(JAKARTA)
        data = built.model_dump(by_alias=True, exclude_unset=True)
        if end is None:
            # Whole seconds on the wire: round up so this second's transactions are listed.
            ceiling = local.replace(microsecond=0) + timedelta(
                seconds=1 if local.microsecond else 0
            )
            data["toDateTime"] = format_timestamp(ceiling, TimestampStyle.JAKARTA)
        if start is None:
            default = _months_before(local, 3)
            if end is not None and default > end:
                default = max(earliest_history_start(now), _months_before(end, 3))
            data["fromDateTime"] = format_timestamp(default, TimestampStyle.JAKARTA)
        built = build_request(HistoryListRequest, **data)
    return built


class _Pager:
    """Page numbers and the stop rule shared by the sync and async iterators.

    The answer carries no total, so a page shorter than ``pageSize`` is the last one. A
    gateway that ignores ``pageNumber`` (the same non-empty page twice) is a ProtocolError,
    never an endless loop.
    """

    def __init__(self, request: HistoryListRequest, max_pages: int | None) -> None:
        if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 1):
            raise RequestValidationError("max_pages must be an int >= 1", field="max_pages")
        self.base = request.model_dump(by_alias=True, exclude_unset=True)
        self.size = int(request.page_size or HISTORY_MAX_PAGE_SIZE)
        self.number = int(request.page_number or 0)
        self.left = max_pages
        self._previous: list[dict[str, Any]] | None = None

    def next_request(self) -> HistoryListRequest | None:
        if self.left is not None and self.left <= 0:
            return None
        data = dict(self.base)
        data["pageSize"] = self.size
        data["pageNumber"] = self.number
        return HistoryListRequest.model_validate(data)

    def accept(self, page: HistoryListResponse) -> bool:
        """Record ``page``; True when another page should be asked for."""
        entries = [entry.to_wire() for entry in page.detail_data]
        if entries and entries == self._previous:
            raise ProtocolError(
                f"history page {self.number} repeats page {self.number - 1}: the gateway "
                "ignored pageNumber"
            )
        self._previous = entries
        self.number += 1
        if self.left is not None:
            self.left -= 1
        return len(entries) >= self.size


class HistoryPagesKeywords(HistoryListFields, total=False):
    """The keywords of ``history_pages`` and ``history``: the page request's fields, ``headers``,
    ``timeout`` and ``max_pages``. Each page has its own ``X-EXTERNAL-ID``: ``external_id`` is
    refused."""

    max_pages: int | None


class AsyncPagesCall(Protocol[P, _ItemOut]):
    """``history_pages`` / ``history`` read from the async namespace."""

    def __call__(
        self, request: HistoryListRequest | None = None, /, *args: P.args, **kwargs: P.kwargs
    ) -> AsyncIterator[_ItemOut]: ...


class SyncPagesCall(Protocol[P, _ItemOut]):
    """``history_pages`` / ``history`` read from the sync namespace."""

    def __call__(
        self, request: HistoryListRequest | None = None, /, *args: P.args, **kwargs: P.kwargs
    ) -> Iterator[_ItemOut]: ...


class _Pages(NamespaceMethod[AsyncPagesCall[P, _Item], SyncPagesCall[P, _Item]], Generic[P, _Item]):
    """``history_pages`` (``item`` a page) or ``history`` (``item`` an entry): an iterator,
    async or sync as its namespace.

    The request is validated when the method is called; pages are fetched as the iterator
    advances, each as a ``history_page`` call of its own.
    """

    def __init__(self, keywords: Callable[P, object], item: type[_Item], doc: str) -> None:
        self.entries = item is HistoryEntry
        self.page = Endpoint(HISTORY_LIST, keywords)  # validation and the signature
        shown = self.page.bound_signature  # without external_id, which a page sets itself
        bound = shown.replace(
            parameters=[p for p in shown.parameters.values() if p.name != "external_id"],
            return_annotation=inspect.Signature.empty,
        )
        self.describe("history" if self.entries else "history_pages", doc, bound)

    def _start(
        self, service: object, args: tuple[Any, ...], keywords: dict[str, Any]
    ) -> tuple[_Pager, CallOptions]:
        if keywords.get("external_id") is not None:
            raise RequestValidationError(
                "each history page has its own X-EXTERNAL-ID: external_id is not accepted",
                field="external_id",
            )
        max_pages = keywords.pop("max_pages", None)
        _, request, options = self.page.prepared(service, args, keywords)
        return _Pager(_checked(service, request, {}), max_pages), options

    def async_method(self, service: AsyncService) -> Callable[..., Any]:
        def method(*args: Any, **keywords: Any) -> Any:
            pages = _async_pages(service, *self._start(service, args, keywords))
            return _async_entries(pages) if self.entries else pages

        return method

    def sync_method(self, service: SyncService) -> Callable[..., Any]:
        def method(*args: Any, **keywords: Any) -> Any:
            pages = _sync_pages(service, *self._start(service, args, keywords))
            return _sync_entries(pages) if self.entries else pages

        return method


async def _async_pages(
    service: AsyncService, pager: _Pager, options: CallOptions
) -> AsyncIterator[HistoryListResponse]:
    while (page_request := pager.next_request()) is not None:
        page = await service._send(HISTORY_LIST, page_request, options)
        more = pager.accept(page)
        yield page
        if not more:
            return


def _sync_pages(
    service: SyncService, pager: _Pager, options: CallOptions
) -> Iterator[HistoryListResponse]:
    while (page_request := pager.next_request()) is not None:
        page = service._send(HISTORY_LIST, page_request, options)
        more = pager.accept(page)
        yield page
        if not more:
            return


async def _async_entries(
    pages: AsyncIterator[HistoryListResponse],
) -> AsyncIterator[HistoryEntry]:
    async for page in pages:
        for entry in page.detail_data:  # noqa: RUF100, UP028 - no yield from in async code
            yield entry


def _sync_entries(pages: Iterator[HistoryListResponse]) -> Iterator[HistoryEntry]:
    for page in pages:
        yield from page.detail_data


class ReportingEndpoints:
    """Transaction history (BI-SNAP credentials)."""

    clock: Clock
    """The clock the date-range rules are checked against (default: the system clock)."""

    history_page = Endpoint(HISTORY_LIST, HistoryListFields, prepare=_checked)
    history_pages = _Pages(
        HistoryPagesKeywords,
        HistoryListResponse,
        "Every page from ``pageNumber`` (default 0) on, ``pageSize`` per page (default 50, the "
        "maximum), stopping after a short page or ``max_pages`` pages. The request is validated "
        "at once; pages are fetched as the iterator advances.",
    )
    history = _Pages(
        HistoryPagesKeywords,
        HistoryEntry,
        "Every history entry over all pages (see :meth:`history_pages`).",
    )
    history_detail = Endpoint(HISTORY_DETAIL, HistoryDetailFields)


class AsyncReporting(AsyncService, ReportingEndpoints):
    """``client.reporting`` of :class:`~bisnap.client.AsyncSnapClient`."""

    def __init__(self, client: AsyncCaller) -> None:
        super().__init__(client)
        self.clock = system_clock


class Reporting(SyncService, ReportingEndpoints):
    """``client.reporting`` of :class:`~bisnap.client.SnapClient`."""

    def __init__(self, client: SyncCaller) -> None:
        super().__init__(client)
        self.clock = system_clock
