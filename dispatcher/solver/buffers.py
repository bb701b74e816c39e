"""Travel buffers of the CP-SAT model: the travel reserved before an on-site start.

The model cannot know where an engineer comes from, so it reserves a way in that does
not depend on the order of the day: the longest trip into the site from anywhere the
engineer could be (upper twin: every solution is then a valid plan), or the shortest
(lower twin: a relaxation). "Anywhere the engineer could be" is their home and the
sites of the on-site tickets they could take, of frozen jobs and of fixed jobs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Literal

from dispatcher.semantics.problem import EngineerData, Problem, TicketData
from dispatcher.solver.scopes import ModelScope

Mode = Literal["upper", "lower"]


class TravelBuffers:
    """The travel buffer per (site, engineer) of one model, computed on first use."""

    def __init__(
        self,
        problem: Problem,
        mode: Mode,
        scope: ModelScope,
        engineers_of: Callable[[TicketData], list[int]],
    ) -> None:
        self.problem = problem
        self.mode = mode
        self.frozen = scope.frozen
        self.fixed = scope.fixed
        self.engineers_of = engineers_of
        self._onsite_sites: list[set[int]] | None = None
        self._site_visits: Counter[int] | None = None
        self._buffers: dict[tuple[int, int], int] = {}
        self._ranked: dict[int, list[tuple[int, int]]] = {}
        self._origin_sites: list[int] | None = None

    def travel_buffer(self, ticket: TicketData, engineer: EngineerData) -> int:
        """Travel reserved before an on-site start: longest (upper) or shortest (lower) way in."""
        if not ticket.onsite or ticket.site is None:
            return 0
        key = (ticket.site, engineer.index)
        if key not in self._buffers:  # it depends on the site and the engineer only
            self._buffers[key] = self._way_in(ticket, engineer)
        return self._buffers[key]

    def _sites_per_engineer(self) -> list[set[int]]:
        """Sites an engineer could be at before a visit: on-site tickets they could take."""
        sites: list[set[int]] = [set() for _ in self.problem.engineers]
        for ticket in self.problem.tickets:
            if ticket.onsite and ticket.site is not None:
                for engineer_index in self.engineers_of(ticket):
                    sites[engineer_index].add(ticket.site)
        for ticket_index, job in self.frozen.items():
            ticket = self.problem.tickets[ticket_index]
            if job is not None and ticket.onsite and ticket.site is not None:
                for member in job.members:
                    sites[member].add(ticket.site)
        for job in self.fixed:
            ticket = self.problem.tickets[job.ticket]
            if ticket.onsite and ticket.site is not None:
                for member in job.members:  # a crew job takes every member there
                    sites[member].add(ticket.site)
        return sites

    def _visits_per_site(self) -> Counter[int]:
        """On-site tickets and fixed jobs per site (computed once)."""
        if self._site_visits is None:
            self._site_visits = Counter(
                t.site for t in self.problem.tickets if t.onsite and t.site is not None
            )
            self._site_visits.update(
                site
                for site in (self.problem.tickets[j.ticket].site for j in self.fixed)
                if site is not None
            )
        return self._site_visits

    def _way_in(self, ticket: TicketData, engineer: EngineerData) -> int:
        site = ticket.site
        assert site is not None
        if self._onsite_sites is None:
            self._onsite_sites = self._sites_per_engineer()
        origins = self._onsite_sites[engineer.index]
        travel = self.problem.travel
        from_home = travel(engineer.home, site) if engineer.home is not None else None
        if self.mode == "lower":
            # Another visit at the same site could come right before this one.
            alone = self._visits_per_site()[site] <= 1 and engineer.home != site
            best = from_home
            for minutes, origin in self._ranked_origins(site):  # nearest first
                if best is not None and minutes >= best:
                    break
                if origin in origins and not (alone and origin == site):
                    best = minutes
                    break
            return best if best is not None else 0
        longest = from_home
        for minutes, origin in reversed(self._ranked_origins(site)):  # farthest first
            if longest is not None and minutes <= longest:
                break
            if origin in origins:
                longest = minutes
                break
        return longest if longest is not None else 0

    def _ranked_origins(self, site: int) -> list[tuple[int, int]]:
        """(travel into ``site``, origin) from every site an engineer could be at, nearest
        first: the shortest or longest way in is then the first origin of an engineer's in
        this list, or in its reverse."""
        if site not in self._ranked:
            if self._origin_sites is None:
                assert self._onsite_sites is not None
                self._origin_sites = sorted(set().union(*self._onsite_sites))
            travel = self.problem.travel
            self._ranked[site] = sorted((travel(o, site), o) for o in self._origin_sites)
        return self._ranked[site]


__all__ = ["Mode", "TravelBuffers"]
