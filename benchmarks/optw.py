"""Orienteering Problem with Time Windows (OPTW / TOPTW) on the OR-Tools routing library.

The model
---------
Node ``depot`` is where every tour (vehicle) starts and ends.  Every other node ``i`` has a
score ``scores[i]``, a service duration ``service[i]`` and one time window
``[tw_open[i], tw_close[i]]`` for the *start* of its service.  Travel from ``i`` to ``j``
takes ``travel[i, j]``.  A tour must be back at the depot no later than ``max_route_time``
(by default the closing time of the depot's window, as in the TOPTW literature).  The goal
is a set of at most ``n_vehicles`` tours that maximises the total score of the visited
nodes; among equal scores, shorter total travel is preferred.

How it is solved
----------------
* Times are scaled to integers (``scale``; the literature truncates Euclidean distances to
  one decimal, so ``scale=10`` represents every value exactly).
* The OR-Tools routing library carries the time dimension (transit = service of the origin
  + travel, waiting allowed, windows as cumul ranges); every optional node is a
  *disjunction* whose penalty is its score times a factor larger than any possible total
  travel time, so the score is optimised first and travel second (lexicographically).
* The search runs ``GUIDED_LOCAL_SEARCH`` from a first solution with a few extra
  insertion/removal operators switched on (``relocate_and_make_active``,
  ``exchange_and_make_active``, ``extended_swap_active``, ``inactive_lns``) that matter
  for orienteering, where the question is *which* nodes are visited.
* Plain routing-library GLS is weak on orienteering (it rarely trades visited nodes),
  so its solution seeds an own iterated local search (Vansteenwegen et al. 2009 style:
  ratio insertion with O(1) wait / max-shift checks, randomised, with route tightening
  by relocate / 2-opt and a shake), and the best solution then hints an exact CP-SAT
  model (circuit constraint with optional nodes, time variables, arcs pruned by the
  windows) that improves it and can prove optimality.  All phases share ``time_limit``.

Example
-------
>>> import numpy as np
>>> xy = np.array([[0, 0], [1, 0], [2, 0], [0, 5]])
>>> m = OrienteeringTW.from_coordinates(
...     xy, scores=[0, 1, 1, 5], tw_open=[0, 0, 0, 0], tw_close=[12, 12, 12, 12])
>>> res = m.solve(time_limit=1.0)
>>> res.score
7.0
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

__all__ = [
    "OPTWResult",
    "OrienteeringTW",
    "TOPTWInstance",
    "euclidean_truncated",
    "read_toptw",
]


@dataclass(frozen=True)
class OPTWResult:
    """Result of :meth:`OrienteeringTW.solve`.

    Attributes
    ----------
    routes
        One list of visited node indices per vehicle, in order, depot excluded.
    start_times
        Start of service at each visited node (same nesting as ``routes``), in the
        model's original (unscaled) time unit.
    score
        Total score of the visited nodes.
    travel_time
        Total travel time over all tours (original unit, after scaling/rounding).
    route_end_times
        Time at which each tour is back at the depot.
    status
        ``"optimal"`` (proven by the CP-SAT phase), ``"feasible"`` (a solution was
        found, optimality not proven), ``"empty"``
        (the best solution visits nothing), or ``"no_solution"`` (the solver found no
        solution that satisfies the mandatory nodes).
    seconds
        Wall-clock seconds spent in :meth:`OrienteeringTW.solve`.
    runs
        Number of routing-library runs (restarts) performed.
    """

    routes: list[list[int]]
    start_times: list[list[float]]
    score: float
    travel_time: float
    route_end_times: list[float]
    status: str
    seconds: float
    runs: int = 1
    log: list[str] = field(default_factory=list)

    @property
    def visited(self) -> list[int]:
        """All visited nodes, tour by tour."""
        return [n for r in self.routes for n in r]


def euclidean_truncated(xy: np.ndarray, *, decimals: int = 1) -> np.ndarray:
    """Euclidean distance matrix truncated (rounded down) to ``decimals`` decimals.

    This is the convention of the Solomon-based OPTW instances (one decimal).

    Parameters
    ----------
    xy
        ``(n, 2)`` array of coordinates.
    decimals
        Number of decimals kept.

    Returns
    -------
    numpy.ndarray
        ``(n, n)`` float matrix.
    """
    pts = np.asarray(xy, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"xy must have shape (n, 2), got {pts.shape}")
    diff = pts[:, None, :] - pts[None, :, :]
    d = np.sqrt((diff**2).sum(axis=2))
    f = 10.0**decimals
    # The small epsilon keeps values such as 2.9999999 (from sqrt(9)) at 3.0.
    return np.floor(d * f + 1e-7) / f


class OrienteeringTW:
    """Orienteering problem with time windows and ``m`` tours (TOPTW).

    Build it with :meth:`from_cost_matrix` or :meth:`from_coordinates`, then call
    :meth:`solve`.  All keyword arguments are described in :meth:`from_cost_matrix`.
    """

    def __init__(
        self,
        *,
        travel: np.ndarray,
        scores: Sequence[float] | np.ndarray,
        service: Sequence[float] | np.ndarray | None = None,
        tw_open: Sequence[float] | np.ndarray | None = None,
        tw_close: Sequence[float] | np.ndarray | None = None,
        depot: int = 0,
        n_vehicles: int = 1,
        max_route_time: float | None = None,
        mandatory: Sequence[int] = (),
        max_arc_time: float | None = None,
        scale: int = 10,
    ) -> None:
        t = np.asarray(travel, dtype=float)
        if t.ndim != 2 or t.shape[0] != t.shape[1]:
            raise ValueError(f"travel must be a square matrix, got shape {t.shape}")
        n = t.shape[0]
        if n < 1:
            raise ValueError("travel must have at least one node (the depot)")
        if not np.all(np.isfinite(t)) or (t < 0).any():
            bad = np.argwhere(~np.isfinite(t) | (t < 0))[0]
            raise ValueError(
                f"travel[{bad[0]}, {bad[1]}] = {t[bad[0], bad[1]]!r}: "
                "travel times must be finite and >= 0"
            )

        def _vec(name: str, v: Sequence[float] | np.ndarray | None, default: float) -> np.ndarray:
            if v is None:
                return np.full(n, default, dtype=float)
            a = np.asarray(v, dtype=float)
            if a.shape != (n,):
                raise ValueError(f"{name} must have length {n} (one per node), got {a.shape}")
            if not np.all(np.isfinite(a)):
                i = int(np.argwhere(~np.isfinite(a))[0][0])
                raise ValueError(f"{name}[{i}] = {a[i]!r} is not a finite number")
            return a

        self.n = n
        self.travel = t
        self.scores = _vec("scores", scores, 0.0)
        if (self.scores < 0).any():
            i = int(np.argwhere(self.scores < 0)[0][0])
            raise ValueError(f"scores[{i}] = {self.scores[i]} is negative")
        self.service = _vec("service", service, 0.0)
        self.tw_open = _vec("tw_open", tw_open, 0.0)
        big = float(t.sum() + self.service.sum() + 1.0)
        self.tw_close = _vec("tw_close", tw_close, big)
        bad_tw = np.argwhere(self.tw_open > self.tw_close)
        if len(bad_tw):
            i = int(bad_tw[0][0])
            raise ValueError(
                f"node {i}: time window opens at {self.tw_open[i]} after it closes at "
                f"{self.tw_close[i]}"
            )
        if not 0 <= depot < n:
            raise ValueError(f"depot = {depot} is not a node index (0..{n - 1})")
        if n_vehicles < 1:
            raise ValueError(f"n_vehicles = {n_vehicles} must be >= 1")
        self.depot = depot
        self.n_vehicles = int(n_vehicles)
        self.max_route_time = (
            float(self.tw_close[depot]) if max_route_time is None else float(max_route_time)
        )
        for i in mandatory:
            if not 0 <= i < n or i == depot:
                raise ValueError(f"mandatory node {i} is not a non-depot node index")
        self.mandatory = frozenset(int(i) for i in mandatory)
        self.max_arc_time = max_arc_time
        if scale < 1:
            raise ValueError(f"scale = {scale} must be a positive integer")
        self.scale = int(scale)
        # Integer data
        self._t = np.rint(t * scale).astype(np.int64)
        self._s = np.rint(self.service * scale).astype(np.int64)
        self._o = np.rint(self.tw_open * scale).astype(np.int64)
        self._c = np.rint(self.tw_close * scale).astype(np.int64)
        self._tmax = round(self.max_route_time * scale)
        # transit[i, j] = service(i) + travel(i, j)
        self._transit = self._t + self._s[:, None]
        self._allowed = np.ones((n, n), dtype=bool)
        if max_arc_time is not None:
            self._allowed = t <= max_arc_time + 1e-9
            np.fill_diagonal(self._allowed, True)
            self._allowed[depot, :] = True  # leaving / reaching home is not a relocation limit
            self._allowed[:, depot] = True

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_cost_matrix(
        cls,
        travel: np.ndarray,
        *,
        scores: Sequence[float] | np.ndarray,
        service: Sequence[float] | np.ndarray | None = None,
        tw_open: Sequence[float] | np.ndarray | None = None,
        tw_close: Sequence[float] | np.ndarray | None = None,
        depot: int = 0,
        n_vehicles: int = 1,
        max_route_time: float | None = None,
        mandatory: Sequence[int] = (),
        max_arc_time: float | None = None,
        scale: int = 10,
    ) -> OrienteeringTW:
        """Build a model from a travel-time matrix.

        Parameters
        ----------
        travel
            ``(n, n)`` travel times (any unit; may be asymmetric).
        scores
            Score per node (the depot's is ignored); non-negative.
        service
            Service duration per node (default 0).
        tw_open, tw_close
            Earliest / latest start of service per node (default: always open).
        depot
            Start and end node of every tour.
        n_vehicles
            Number of tours ``m``.
        max_route_time
            Latest return to the depot (default: ``tw_close[depot]``).
        mandatory
            Nodes that must be visited (no disjunction).  If they cannot all be visited,
            ``solve`` reports ``status="no_solution"``.
        max_arc_time
            Arcs between two non-depot nodes longer than this are forbidden.
        scale
            Times are multiplied by ``scale`` and rounded to integers for the solver.

        Returns
        -------
        OrienteeringTW
        """
        return cls(
            travel=travel,
            scores=scores,
            service=service,
            tw_open=tw_open,
            tw_close=tw_close,
            depot=depot,
            n_vehicles=n_vehicles,
            max_route_time=max_route_time,
            mandatory=mandatory,
            max_arc_time=max_arc_time,
            scale=scale,
        )

    @classmethod
    def from_coordinates(
        cls,
        xy: np.ndarray,
        *,
        scores: Sequence[float] | np.ndarray,
        decimals: int = 1,
        **kwargs: object,
    ) -> OrienteeringTW:
        """Build a model from planar coordinates (Euclidean, truncated to ``decimals``).

        Parameters
        ----------
        xy
            ``(n, 2)`` coordinates.
        scores
            Score per node.
        decimals
            Decimals kept after truncating distances; ``scale`` defaults to ``10**decimals``.
        **kwargs
            Any other keyword of :meth:`from_cost_matrix`.

        Returns
        -------
        OrienteeringTW
        """
        kwargs.setdefault("scale", 10**decimals)
        return cls(travel=euclidean_truncated(xy, decimals=decimals), scores=scores, **kwargs)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ solving
    def solve(
        self,
        *,
        time_limit: float = 10.0,
        routing_share: float = 0.15,
        ils_share: float = 0.5,
        exact: bool = True,
        workers: int = 2,
        seed: int = 0,
        initial_routes: Sequence[Sequence[int]] | None = None,
        log_search: bool = False,
    ) -> OPTWResult:
        """Solve the model within ``time_limit`` seconds.

        Three phases share the time limit:

        1. OR-Tools routing library, guided local search (``routing_share`` of the time),
           from ``initial_routes`` when given;
        2. own iterated local search from the best routing solution (``ils_share``);
        3. an exact CP-SAT model hinted with the best solution (the rest of the time),
           which improves it and may prove it optimal (``status="optimal"``).

        Parameters
        ----------
        time_limit
            Wall-clock limit in seconds for the whole call (must be > 0).
        routing_share, ils_share
            Fractions of ``time_limit`` for phases 1 and 2.
        exact
            Run phase 3 (CP-SAT).  Without it phase 2 gets the remaining time.
        workers
            CP-SAT worker threads.
        seed
            Seed of the iterated local search (results are reproducible per seed, up to
            how far the search gets within the time limit).
        initial_routes
            Optional routes (lists of node indices, depot excluded) to start from.
        log_search
            Let OR-Tools print its routing search log.

        Returns
        -------
        OPTWResult
        """
        if not time_limit > 0:
            raise ValueError(f"time_limit = {time_limit} must be > 0 seconds")
        if not (0 < routing_share < 1 and 0 <= ils_share < 1 and routing_share + ils_share <= 1):
            raise ValueError(
                f"routing_share = {routing_share} and ils_share = {ils_share} must be "
                "fractions with a sum of at most 1"
            )
        t0 = time.perf_counter()
        deadline = t0 + float(time_limit)
        log: list[str] = []
        m = self.n_vehicles
        if self.n == 1:
            return OPTWResult(
                [[] for _ in range(m)],
                [[] for _ in range(m)],
                0.0,
                0.0,
                [0.0] * m,
                "empty",
                0.0,
                0,
                log,
            )
        best = self._routing_run(
            strategy=routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION,
            seconds=routing_share * time_limit,
            initial_routes=initial_routes,
            log_search=log_search,
        )
        runs = 1
        if best is None:
            log.append("routing: no solution")
            if self.mandatory:
                secs = time.perf_counter() - t0
                return OPTWResult([], [], 0.0, 0.0, [], "no_solution", secs, runs, log)
            best = [[] for _ in range(m)]
        else:
            log.append(f"routing: score {self._key(best)[0] / self.scale:g}")
        if not exact:
            ils_share = 1.0 - routing_share
        ils_deadline = min(deadline, time.perf_counter() + ils_share * time_limit)
        if ils_share > 0 and self.scores.sum() > 0:
            cand = _ILS(self, seed=seed).run(best, ils_deadline)
            if self._key(cand) > self._key(best):
                best = cand
            log.append(f"ils: score {self._key(best)[0] / self.scale:g}")
        proven = False
        remaining = deadline - time.perf_counter()
        if exact and remaining > 0.05:
            cp_routes, proven = _cpsat_polish(self, best, remaining * 0.95, workers)
            if cp_routes is not None and all(self.schedule(r) is not None for r in cp_routes):
                if self._key(cp_routes) >= self._key(best):
                    best = cp_routes
            else:
                proven = False
            log.append(
                f"cp-sat: score {self._key(best)[0] / self.scale:g}"
                + (" (proven optimal)" if proven else "")
            )
        return self._result(best, time.perf_counter() - t0, runs, log, proven=proven)

    # ------------------------------------------------------------------ internals
    def _key(self, routes: list[list[int]]) -> tuple[int, int]:
        sc = sum(round(self.scores[i] * self.scale) for r in routes for i in r)
        tr = 0
        for r in routes:
            path = [self.depot, *r, self.depot]
            tr += int(sum(self._t[a, b] for a, b in itertools.pairwise(path)))
        return sc, -tr

    def _routing_run(
        self,
        *,
        strategy: int,
        seconds: float,
        initial_routes: Sequence[Sequence[int]] | None,
        log_search: bool,
    ) -> list[list[int]] | None:
        n, m, depot = self.n, self.n_vehicles, self.depot
        manager = pywrapcp.RoutingIndexManager(n, m, depot)
        routing = pywrapcp.RoutingModel(manager)
        transit = self._transit
        t_int = self._t

        def time_cb(fi: int, ti: int) -> int:
            return int(transit[manager.IndexToNode(fi), manager.IndexToNode(ti)])

        def cost_cb(fi: int, ti: int) -> int:
            return int(t_int[manager.IndexToNode(fi), manager.IndexToNode(ti)])

        time_idx = routing.RegisterTransitCallback(time_cb)
        cost_idx = routing.RegisterTransitCallback(cost_cb)
        routing.SetArcCostEvaluatorOfAllVehicles(cost_idx)
        horizon = int(max(self._tmax, int(self._c.max()) + int(self._s.max())))
        routing.AddDimension(time_idx, horizon, horizon, False, "time")
        tdim = routing.GetDimensionOrDie("time")
        # Penalty larger than any possible total travel: the score dominates.
        max_travel = int(t_int.max()) * (n + m) + 1
        big = max(1, max_travel)
        for node in range(n):
            if node == depot:
                continue
            idx = manager.NodeToIndex(node)
            o, c = int(self._o[node]), int(self._c[node])
            if o > horizon:
                # can never be served: keep it out of the model
                routing.ActiveVar(idx).SetValue(0)
                continue
            tdim.CumulVar(idx).SetRange(o, min(c, horizon))
            if node not in self.mandatory:
                pen = round(self.scores[node] * self.scale) * big
                routing.AddDisjunction([idx], pen)
        for v in range(m):
            s_idx, e_idx = routing.Start(v), routing.End(v)
            tdim.CumulVar(s_idx).SetRange(int(self._o[depot]), int(min(self._c[depot], horizon)))
            tdim.CumulVar(e_idx).SetRange(int(self._o[depot]), self._tmax)
            routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(s_idx))
            routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(e_idx))
        if self.max_arc_time is not None:
            allowed = self._allowed
            for i in range(n):
                if i == depot:
                    continue
                vi = routing.NextVar(manager.NodeToIndex(i))
                for j in np.flatnonzero(~allowed[i]):
                    vi.RemoveValue(manager.NodeToIndex(int(j)))

        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = strategy
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        )
        ops = params.local_search_operators
        on = 3  # BOOL_TRUE
        ops.use_relocate_and_make_active = on
        ops.use_exchange_and_make_active = on
        ops.use_extended_swap_active = on
        ops.use_inactive_lns = on
        params.time_limit.FromMilliseconds(max(10, int(seconds * 1000)))
        params.log_search = log_search
        solution = None
        if initial_routes:
            routing.CloseModelWithParameters(params)
            init = [[int(x) for x in r] for r in initial_routes]
            init += [[] for _ in range(m - len(init))]
            assignment = routing.ReadAssignmentFromRoutes(init, True)
            if assignment is not None:
                solution = routing.SolveFromAssignmentWithParameters(assignment, params)
        if solution is None:
            solution = routing.SolveWithParameters(params)
        if solution is None:
            return None
        routes: list[list[int]] = []
        for v in range(m):
            r: list[int] = []
            idx = solution.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(idx):
                r.append(manager.IndexToNode(idx))
                idx = solution.Value(routing.NextVar(idx))
            routes.append(r)
        return routes

    def schedule(self, route: Sequence[int]) -> list[int] | None:
        """Earliest integer (scaled) start times along ``route``, or ``None`` if infeasible."""
        t = int(self._o[self.depot])
        prev = self.depot
        out: list[int] = []
        for node in route:
            t = max(t + int(self._transit[prev, node]), int(self._o[node]))
            if t > self._c[node] or not self._allowed[prev, node]:
                return None
            out.append(t)
            prev = node
        end = t + int(self._transit[prev, self.depot])
        if end > self._tmax:
            return None
        return out

    def _result(
        self,
        routes: list[list[int]],
        seconds: float,
        runs: int,
        log: list[str],
        *,
        proven: bool = False,
    ) -> OPTWResult:
        starts: list[list[float]] = []
        ends: list[float] = []
        for r in routes:
            sched = self.schedule(r)
            if sched is None:  # pragma: no cover - guarded by construction
                raise RuntimeError(f"internal error: infeasible route {r}")
            starts.append([s / self.scale for s in sched])
            last = r[-1] if r else self.depot
            t_last = sched[-1] if sched else int(self._o[self.depot])
            ends.append((t_last + int(self._transit[last, self.depot])) / self.scale)
        _sc, negtr = self._key(routes)
        score = float(sum(self.scores[i] for r in routes for i in r))
        status = "optimal" if proven else ("feasible" if any(routes) else "empty")
        return OPTWResult(
            routes, starts, score, -negtr / self.scale, ends, status, seconds, runs, log
        )


# ---------------------------------------------------------------------- own search
class _ILS:
    """Iterated local search for the (T)OPTW on the scaled integer data of a model.

    Insertion by the ratio score² / time shift with O(1) feasibility checks using the
    ``wait`` and ``max_shift`` of each visit (Vansteenwegen et al. 2009), randomised ratio
    noise, route tightening (relocate and 2-opt moves that make a tour end earlier, i.e.
    create slack for further insertions) and a shake that removes a run of consecutive
    visits from each tour.  Periodically restarts from the best solution.
    """

    def __init__(self, model: OrienteeringTW, *, seed: int = 0, noise: float = 0.5) -> None:
        self.n = model.n
        self.d = model.depot
        self.T: list[list[int]] = model._t.tolist()
        self.S: list[int] = model._s.tolist()
        self.O: list[int] = model._o.tolist()
        self.C: list[int] = model._c.tolist()
        self.tmax = model._tmax
        self.C[self.d] = self.tmax
        self.sc = [round(float(x) * model.scale) for x in model.scores]
        self.allowed: list[list[bool]] = model._allowed.tolist()
        self.prot = model.mandatory
        self.rng = random.Random(seed)
        self.noise = noise

    def times(self, r: list[int]) -> tuple[list[int], list[int], list[int]]:
        """Start, wait and max-shift per position of ``r`` (depot at both ends)."""
        T, S, Op, C = self.T, self.S, self.O, self.C
        st = [Op[r[0]]]
        wt = [0]
        for k in range(1, len(r)):
            a = st[-1] + S[r[k - 1]] + T[r[k - 1]][r[k]]
            s = a if a > Op[r[k]] else Op[r[k]]
            st.append(s)
            wt.append(s - a)
        ms = [0] * len(r)
        ms[-1] = self.tmax - st[-1]
        for k in range(len(r) - 2, -1, -1):
            x = wt[k + 1] + ms[k + 1]
            y = C[r[k]] - st[k]
            ms[k] = x if x < y else y
        return st, wt, ms

    def insert_all(self, routes: list[list[int]], unv: set[int], noise: float = 0.0) -> None:
        rnd = self.rng.random
        T, S, Op, C, sc, al = self.T, self.S, self.O, self.C, self.sc, self.allowed
        info = [self.times(r) for r in routes]
        while True:
            best: tuple[int, int, int] | None = None
            bv = -1.0
            for ri, r in enumerate(routes):
                st, wt, ms = info[ri]
                for k in range(1, len(r)):
                    a = r[k - 1]
                    b = r[k]
                    base = st[k - 1] + S[a]
                    Ta = T[a]
                    tab = Ta[b]
                    lim = wt[k] + ms[k]
                    for j in unv:
                        arr = base + Ta[j]
                        if arr > C[j]:
                            continue
                        w = Op[j] - arr
                        if w < 0:
                            w = 0
                        shift = Ta[j] + w + S[j] + T[j][b] - tab
                        if shift > lim or not (al[a][j] and al[j][b]):
                            continue
                        v = sc[j] * sc[j] / (shift + 1e-3)
                        if noise:
                            v *= 1.0 + noise * rnd()
                        if v > bv:
                            bv = v
                            best = (ri, k, j)
            if best is None:
                return
            ri, k, j = best
            routes[ri].insert(k, j)
            unv.discard(j)
            info[ri] = self.times(routes[ri])

    def end_time(self, r: list[int]) -> int:
        """Return time at the final depot, or -1 if ``r`` violates a window or arc."""
        T, S, Op, C, al = self.T, self.S, self.O, self.C, self.allowed
        t = Op[r[0]]
        for k in range(1, len(r)):
            a = r[k - 1]
            b = r[k]
            if not al[a][b]:
                return -1
            t = t + S[a] + T[a][b]
            if t < Op[b]:
                t = Op[b]
            if t > C[b]:
                return -1
        return t

    def tighten(self, r: list[int]) -> None:
        """Relocate / 2-opt moves that bring the tour back to the depot earlier."""
        cur = self.end_time(r)
        improved = True
        while improved:
            improved = False
            n_pos = len(r)
            for i in range(1, n_pos - 1):
                x = r[i]
                base = r[:i] + r[i + 1 :]
                for k in range(1, n_pos - 1):
                    if k == i:
                        continue
                    cand = [*base[:k], x, *base[k:]]
                    e = self.end_time(cand)
                    if 0 <= e < cur:
                        r[:] = cand
                        cur = e
                        improved = True
                        break
                if improved:
                    break
            if improved:
                continue
            for i in range(1, n_pos - 2):
                for k in range(i + 1, n_pos - 1):
                    cand = r[:i] + r[i : k + 1][::-1] + r[k + 1 :]
                    e = self.end_time(cand)
                    if 0 <= e < cur:
                        r[:] = cand
                        cur = e
                        improved = True
                        break
                if improved:
                    break

    def local(self, routes: list[list[int]], unv: set[int], noise: float) -> None:
        self.insert_all(routes, unv, noise)
        while True:
            before = [list(r) for r in routes]
            for r in routes:
                self.tighten(r)
            if routes == before:
                return
            n0 = len(unv)
            self.insert_all(routes, unv, noise)
            if len(unv) == n0:
                return

    def value(self, routes: list[list[int]]) -> int:
        return sum(self.sc[x] for r in routes for x in r[1:-1])

    def _unvisited(self, routes: list[list[int]]) -> set[int]:
        visited = {x for r in routes for x in r[1:-1]}
        return {i for i in range(self.n) if i != self.d and i not in visited and self.sc[i] > 0}

    def run(self, init_routes: list[list[int]], deadline: float) -> list[list[int]]:
        d = self.d
        routes = [[d, *r, d] for r in init_routes]
        unv = self._unvisited(routes)
        self.local(routes, unv, 0.0)
        best = [list(r) for r in routes]
        bestv = self.value(routes)
        s_len, r_pos, noimp = 1, 1, 0
        max_s = max(1, (self.n - 1) // (3 * len(routes)))
        while time.perf_counter() < deadline:
            for r in routes:  # shake: remove s_len consecutive visits from position r_pos
                n_visits = len(r) - 2
                if n_visits == 0:
                    continue
                idx = [(r_pos - 1 + c) % n_visits for c in range(min(s_len, n_visits))]
                for x in [r[1 + i] for i in idx if r[1 + i] not in self.prot]:
                    r.remove(x)
                    unv.add(x)
            r_pos += s_len
            s_len += 1
            small = min(len(r) - 2 for r in routes)
            if small > 0 and r_pos >= small:
                r_pos -= small
            r_pos = max(r_pos, 1)
            if s_len > max_s:
                s_len = 1
            self.local(routes, unv, self.noise)
            v = self.value(routes)
            if v > bestv:
                bestv = v
                best = [list(r) for r in routes]
                s_len, noimp = 1, 0
            else:
                noimp += 1
                if noimp % 50 == 0:
                    routes = [list(r) for r in best]
                    unv = self._unvisited(routes)
                    r_pos = 1 + self.rng.randrange(max(1, small))
                    s_len = 1 + self.rng.randrange(max_s)
        return [r[1:-1] for r in best]


def _cpsat_polish(
    model: OrienteeringTW, hint: list[list[int]], seconds: float, workers: int
) -> tuple[list[list[int]] | None, bool]:
    """Exact CP-SAT model (circuit with optional nodes + time variables), hinted.

    Returns the routes of the best solution found (``None`` if none) and whether it is
    proven optimal.  Arcs that can never be part of a feasible tour are left out, which
    keeps the model small when time windows are tight.
    """
    from ortools.sat.python import cp_model

    n, d = model.n, model.depot
    T, S, Op, C, tmax = model._t, model._s, model._o, model._c, model._tmax
    md = cp_model.CpModel()
    tv: dict[int, cp_model.IntVar] = {}
    lo_of: dict[int, int] = {}
    hi_of: dict[int, int] = {}
    for i in range(n):
        if i == d:
            continue
        lo = max(int(Op[i]), int(Op[d] + T[d, i]))
        hi = min(int(C[i]), int(tmax - S[i] - T[i, d]))
        if lo <= hi:
            tv[i] = md.new_int_var(lo, hi, f"t{i}")
            lo_of[i], hi_of[i] = lo, hi
    arcs: list[tuple[int, int, cp_model.IntVar]] = []
    lit: dict[tuple[int, int], cp_model.IntVar] = {}
    vis: dict[int, cp_model.IntVar] = {}
    for i in tv:
        vis[i] = md.new_bool_var(f"v{i}")
        if i in model.mandatory:
            md.add(vis[i] == 1)
        arcs.append((i, i, vis[i].negated()))  # type: ignore[arg-type]
        for a, b in ((d, i), (i, d)):
            lit[a, b] = md.new_bool_var("")
            arcs.append((a, b, lit[a, b]))
    for i in tv:
        ei = lo_of[i]
        for j in tv:
            if i == j or not model._allowed[i, j]:
                continue
            arr = max(int(Op[j]), int(ei + S[i] + T[i, j]))
            if arr > hi_of[j]:
                continue
            lit[i, j] = md.new_bool_var("")
            arcs.append((i, j, lit[i, j]))
            md.add(tv[j] >= tv[i] + int(S[i] + T[i, j])).only_enforce_if(lit[i, j])
    if model.mandatory - set(tv):
        return None, False
    if model.n_vehicles == 1:
        arcs.append((d, d, md.new_bool_var("empty")))
        md.add_circuit(arcs)
    else:
        md.add_multiple_circuit(arcs)
        md.add(sum(lit[d, i] for i in tv) <= model.n_vehicles)
    sc = np.rint(model.scores * model.scale).astype(np.int64)
    big = int(T.max()) * (n + model.n_vehicles) + 1
    md.maximize(
        sum(int(sc[i]) * big * vis[i] for i in tv)
        - sum(int(T[a, b]) * v for (a, b), v in lit.items())
    )
    on: set[tuple[int, int]] = set()
    for r in hint:
        p = [d, *r, d]
        on.update(itertools.pairwise(p))
    hv = {x for r in hint for x in r}
    for (a, b), v in lit.items():
        md.add_hint(v, (a, b) in on)
    for i in tv:
        md.add_hint(vis[i], i in hv)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = max(1, workers)
    status = solver.solve(md)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False
    succ = {a: b for (a, b), v in lit.items() if solver.value(v)}
    routes: list[list[int]] = []
    starts = [b for (a, b), v in lit.items() if a == d and solver.value(v)]
    for s0 in starts:
        r = [s0]
        while succ[r[-1]] != d:
            r.append(succ[r[-1]])
        routes.append(r)
    routes += [[] for _ in range(model.n_vehicles - len(routes))]
    return routes, status == cp_model.OPTIMAL


# ---------------------------------------------------------------------- TOPTW files
@dataclass(frozen=True)
class TOPTWInstance:
    """One instance in the TOPTW text format (Righini & Salani / Montemanni & Gambardella).

    Attributes
    ----------
    name
        File stem, e.g. ``"c101"``.
    xy, service, scores, tw_open, tw_close
        Per vertex (vertex 0 is the depot; its closing time is the budget ``Tmax``).
    """

    name: str
    xy: np.ndarray
    service: np.ndarray
    scores: np.ndarray
    tw_open: np.ndarray
    tw_close: np.ndarray

    def model(self, *, n_vehicles: int = 1, decimals: int = 1) -> OrienteeringTW:
        """The :class:`OrienteeringTW` of this instance (distances truncated to ``decimals``)."""
        return OrienteeringTW.from_coordinates(
            self.xy,
            scores=self.scores,
            decimals=decimals,
            service=self.service,
            tw_open=self.tw_open,
            tw_close=self.tw_close,
            n_vehicles=n_vehicles,
        )


def read_toptw(path: str | object) -> TOPTWInstance:
    """Read a TOPTW instance file.

    Line 1: ``k v N t``; line 2: ``D Q``; then one line per vertex
    ``i x y d S f a list... O C`` (the last two fields are the time window).

    Parameters
    ----------
    path
        File path.

    Returns
    -------
    TOPTWInstance

    Raises
    ------
    ValueError
        With file and line number when a line cannot be parsed.
    """
    from pathlib import Path

    p = Path(str(path))
    lines = p.read_text().splitlines()
    rows: list[list[float]] = []
    for lineno, line in enumerate(lines[2:], start=3):
        parts = line.split()
        if not parts:
            continue
        try:
            vals = [float(x) for x in parts]
        except ValueError as exc:
            raise ValueError(f"{p}: line {lineno}: not numeric: {line.strip()!r}") from exc
        if len(vals) < 7:
            raise ValueError(
                f"{p}: line {lineno}: expected at least 7 fields (i x y d S ... O C), "
                f"got {len(vals)}"
            )
        rows.append(vals)
    if not rows:
        raise ValueError(f"{p}: no vertex lines found")
    for k, r in enumerate(rows):
        if int(r[0]) != k:
            raise ValueError(f"{p}: vertex line {k + 1}: expected vertex number {k}, got {r[0]:g}")
    arr_xy = np.array([[r[1], r[2]] for r in rows])
    service = np.array([r[3] for r in rows])
    scores = np.array([r[4] for r in rows])
    tw_open = np.array([r[-2] for r in rows])
    tw_close = np.array([r[-1] for r in rows])
    if not math.isfinite(float(tw_close[0])):
        raise ValueError(f"{p}: depot closing time is not a number")
    return TOPTWInstance(p.stem, arr_xy, service, scores, tw_open, tw_close)
