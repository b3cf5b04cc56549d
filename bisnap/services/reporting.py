"""``client.reporting``: transaction history list (one page, or every page) and detail.

The date-range rules (spec §5.6.1) are checked before sending against ``self.clock``
(``client.reporting.clock = ...`` to use another clock). Every page is its own call with its
own ``X-EXTERNAL-ID``; history calls are read-only, so transient failures are retried.
"""

from __future__ import annotations

import calendar
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from typing_extensions import Unpack

from bisnap.errors import ProtocolError, RequestValidationError
from bisnap.models.common import build_request
from bisnap.models.reporting import (
    HISTORY_MAX_PAGE_SIZE,
    HistoryDetailRequest,
    HistoryDetailResponse,
    HistoryEntry,
    HistoryListRequest,
    HistoryListResponse,
    check_history_range,
    earliest_history_start,
)
from bisnap.services.base import (
    AsyncCaller,
    AsyncService,
    Headers,
    SyncCaller,
    SyncService,
    Timeout,
)
from bisnap.services.fields import HistoryDetailFields, HistoryListFields
from bisnap.services.operation import Operation
from bisnap.timestamps import JAKARTA, Clock, TimestampStyle, format_timestamp, system_clock

__all__ = ["HISTORY_DETAIL", "HISTORY_LIST", "AsyncReporting", "Reporting"]

HISTORY_LIST = Operation(
    name="reporting.history_page",
    method="POST",
    path="/v1.0/transaction-history-list",
    service_code="12",
    request_model=HistoryListRequest,
    response_model=HistoryListResponse,
    read_only=True,
)
HISTORY_DETAIL = Operation(
    name="reporting.history_detail",
    method="POST",
    path="/v1.0/transaction-history-detail",
    service_code="13",
    request_model=HistoryDetailRequest,
    response_model=HistoryDetailResponse,
    read_only=True,
)


def _months_before(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _checked(
    request: HistoryListRequest | None, fields: Mapping[str, Any], clock: Clock
) -> HistoryListRequest:
    """The validated request with both dates filled in (the Payouts copy of the page makes
    them mandatory; the Reporting page's defaults are used: three months ago and now)."""
    built = HISTORY_LIST.build(request, fields)
    now = clock()
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


class AsyncReporting(AsyncService):
    """Transaction history (BI-SNAP credentials)."""

    def __init__(self, client: AsyncCaller) -> None:
        super().__init__(client)
        self.clock: Clock = system_clock

    async def history_page(
        self,
        request: HistoryListRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[HistoryListFields],
    ) -> HistoryListResponse:
        """One page of the history (``pageSize`` 1-50, default 10; ``pageNumber`` from 0)."""
        built = _checked(request, fields, self.clock)
        return await self._call(HISTORY_LIST, built, {}, external_id, headers, timeout)

    def history_pages(
        self,
        request: HistoryListRequest | None = None,
        /,
        *,
        max_pages: int | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[HistoryListFields],
    ) -> AsyncIterator[HistoryListResponse]:
        """Every page from ``pageNumber`` (default 0) on, ``pageSize`` per page (default 50,
        the maximum), stopping after a short page or ``max_pages`` pages. The request is
        validated at once; pages are fetched as the iterator advances."""
        pager = _Pager(_checked(request, fields, self.clock), max_pages)
        return self._pages(pager, headers, timeout)

    async def _pages(
        self, pager: _Pager, headers: Headers, timeout: Timeout
    ) -> AsyncIterator[HistoryListResponse]:
        while (page_request := pager.next_request()) is not None:
            page = await self._call(HISTORY_LIST, page_request, {}, None, headers, timeout)
            more = pager.accept(page)
            yield page
            if not more:
                return

    def history(
        self,
        request: HistoryListRequest | None = None,
        /,
        *,
        max_pages: int | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[HistoryListFields],
    ) -> AsyncIterator[HistoryEntry]:
        """Every history entry over all pages (see :meth:`history_pages`)."""
        pages = self.history_pages(
            request, max_pages=max_pages, headers=headers, timeout=timeout, **fields
        )
        return self._entries(pages)

    async def history_detail(
        self,
        request: HistoryDetailRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[HistoryDetailFields],
    ) -> HistoryDetailResponse:
        """One transaction: ``originalPartnerReferenceNo`` and
        ``additionalInfo.referenceNo`` (both from a history entry)."""
        return await self._call(HISTORY_DETAIL, request, fields, external_id, headers, timeout)

    async def _entries(
        self, pages: AsyncIterator[HistoryListResponse]
    ) -> AsyncIterator[HistoryEntry]:
        async for page in pages:
            for entry in page.detail_data:  # noqa: RUF100, UP028 - no yield from in async code
                yield entry


# --- generated by scripts/unasync.py from the Async classes above: do not edit ---


class Reporting(SyncService):
    """Transaction history (BI-SNAP credentials)."""

    def __init__(self, client: SyncCaller) -> None:
        super().__init__(client)
        self.clock: Clock = system_clock

    def history_page(
        self,
        request: HistoryListRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[HistoryListFields],
    ) -> HistoryListResponse:
        """One page of the history (``pageSize`` 1-50, default 10; ``pageNumber`` from 0)."""
        built = _checked(request, fields, self.clock)
        return self._call(HISTORY_LIST, built, {}, external_id, headers, timeout)

    def history_pages(
        self,
        request: HistoryListRequest | None = None,
        /,
        *,
        max_pages: int | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[HistoryListFields],
    ) -> Iterator[HistoryListResponse]:
        """Every page from ``pageNumber`` (default 0) on, ``pageSize`` per page (default 50,
        the maximum), stopping after a short page or ``max_pages`` pages. The request is
        validated at once; pages are fetched as the iterator advances."""
        pager = _Pager(_checked(request, fields, self.clock), max_pages)
        return self._pages(pager, headers, timeout)

    def _pages(
        self, pager: _Pager, headers: Headers, timeout: Timeout
    ) -> Iterator[HistoryListResponse]:
        while (page_request := pager.next_request()) is not None:
            page = self._call(HISTORY_LIST, page_request, {}, None, headers, timeout)
            more = pager.accept(page)
            yield page
            if not more:
                return

    def history(
        self,
        request: HistoryListRequest | None = None,
        /,
        *,
        max_pages: int | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[HistoryListFields],
    ) -> Iterator[HistoryEntry]:
        """Every history entry over all pages (see :meth:`history_pages`)."""
        pages = self.history_pages(
            request, max_pages=max_pages, headers=headers, timeout=timeout, **fields
        )
        return self._entries(pages)

    def history_detail(
        self,
        request: HistoryDetailRequest | None = None,
        /,
        *,
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        **fields: Unpack[HistoryDetailFields],
    ) -> HistoryDetailResponse:
        """One transaction: ``originalPartnerReferenceNo`` and
        ``additionalInfo.referenceNo`` (both from a history entry)."""
        return self._call(HISTORY_DETAIL, request, fields, external_id, headers, timeout)

    def _entries(self, pages: Iterator[HistoryListResponse]) -> Iterator[HistoryEntry]:
        for page in pages:
            for entry in page.detail_data:  # noqa: RUF100, UP028 - no yield from in async code
                yield entry


# --- end of generated code ---
