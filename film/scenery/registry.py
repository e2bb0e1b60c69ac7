"""One drawing per kind of place, composed from the Canvas helpers. Exteriors put the sky in
`sky`, the distance in `far`, the ground and main objects in `mid` and framing foreground in
`near`; interiors put the back wall (with windows) in `sky`, what stands against it in `far`,
the floor and furniture in `mid`, and a foreground edge in `near`."""

from __future__ import annotations

from collections.abc import Callable

from film.scenery.canvas import Canvas

Painter = Callable[[Canvas], None]
PAINTERS: dict[str, Painter] = {}


def painter(*kinds: str) -> Callable[[Painter], Painter]:
    def register(fn: Painter) -> Painter:
        for kind in kinds:
            PAINTERS[kind] = fn
        return fn

    return register
