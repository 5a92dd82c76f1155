"""views.*: modal stacks opened with triggers, view updates, App Home tabs."""

from __future__ import annotations

import copy
import secrets
import time
from typing import Any

from playground import blockkit
from playground.fake_slack.records import ApiError, View
from playground.fake_slack.state import Workspace
from playground.slack_requests import trigger_info

_MAX_MODAL_STACK = 3


class ViewsApi(Workspace):
    def _views_open(self, a: dict[str, Any]) -> dict[str, Any]:
        trigger, payload, user = self._modal_request(a)
        self._check_external_id(payload, None)
        self._used_triggers.add(trigger)
        key = user or ""
        for old in self._stacks.pop(key, []):
            self._views[old].open = False
        view = self._new_view(payload, user, root=None, previous=None)
        self._stacks[key] = [view.id]
        self._last_stack = key
        self._event("view_opened", user=user, view=view.to_api())
        return {"view": view.to_api()}

    def _views_push(self, a: dict[str, Any]) -> dict[str, Any]:
        trigger, payload, user = self._modal_request(a)
        key = user if user is not None else self._last_stack
        stack = self._stacks.get(key) if key is not None else None
        if not stack:
            raise ApiError.invalid_arguments("[ERROR] no open modal to push a view onto")
        if len(stack) >= _MAX_MODAL_STACK:
            raise ApiError("push_limit_reached")
        self._check_external_id(payload, None)
        self._used_triggers.add(trigger)
        view = self._new_view(payload, user, root=stack[0], previous=stack[-1])
        stack.append(view.id)
        self._event("view_pushed", user=user, view=view.to_api())
        return {"view": view.to_api()}

    def _views_update(self, a: dict[str, Any]) -> dict[str, Any]:
        view_id, external_id = a.get("view_id"), a.get("external_id")
        if not view_id and not external_id:
            raise ApiError.invalid_arguments("[ERROR] view_id or external_id is required")
        view = self._views.get(str(view_id)) if view_id else self._view_by_external(external_id)
        if view is None or not view.open:
            raise ApiError("not_found")
        payload = self._view_arg(a, allowed=(str(view.payload.get("type")),))
        self._replace_view(view, payload, a)
        self._event("view_updated", user=view.user, view=view.to_api())
        return {"view": view.to_api()}

    def _views_publish(self, a: dict[str, Any]) -> dict[str, Any]:
        user_id = a.get("user_id")
        if not isinstance(user_id, str) or user_id not in self._users:
            raise ApiError.invalid_arguments("invalid `user_id`")
        payload = self._view_arg(a, allowed=("home",))
        current = self._views.get(self._homes.get(user_id, ""))
        if current is None:
            self._check_external_id(payload, None)
            current = self._new_view(payload, user_id, root=None, previous=None)
            self._homes[user_id] = current.id
        else:
            self._replace_view(current, payload, a)
        self._event("home_published", user=user_id, view=current.to_api())
        return {"view": current.to_api()}

    def _modal_request(self, a: dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
        """The trigger, the modal and who the trigger was issued to (None: unknown), checked
        in the order Slack checks them; the caller spends the trigger once it has succeeded."""
        trigger = a.get("trigger_id") or a.get("interactivity_pointer")
        if not isinstance(trigger, str) or not trigger:
            raise ApiError.invalid_arguments("[ERROR] missing required field: trigger_id")
        payload = self._view_arg(a, allowed=("modal",))
        if trigger in self._used_triggers:
            raise ApiError("exchanged_trigger_id")
        info = trigger_info(trigger)
        if info is None:
            return trigger, payload, None
        user, issued = info
        if self.trigger_ttl is not None and time.time() - issued > self.trigger_ttl:
            raise ApiError("expired_trigger_id")
        return trigger, payload, user

    def _view_arg(self, a: dict[str, Any], *, allowed: tuple[str, ...]) -> dict[str, Any]:
        view = a.get("view")
        if not isinstance(view, dict):
            raise ApiError.invalid_arguments("[ERROR] missing required field: view")
        if view.get("type") not in allowed:
            raise ApiError.invalid_arguments(f"[ERROR] view type must be one of {allowed}")
        if self.strict_blocks:
            errors = blockkit.validate_view(view)
            if errors:
                raise ApiError.invalid_blocks(errors)
        return copy.deepcopy(view)

    def _replace_view(self, view: View, payload: dict[str, Any], a: dict[str, Any]) -> None:
        # A hash names the version the caller last saw; a stale one means someone else won.
        if a.get("hash") and a["hash"] != view.hash:
            raise ApiError("hash_conflict")
        self._check_external_id(payload, view.id)
        view.payload = payload
        view.hash = _view_hash()

    def _check_external_id(self, payload: dict[str, Any], own_view: str | None) -> None:
        external_id = payload.get("external_id")
        if external_id:
            other = self._view_by_external(external_id)
            if other is not None and other.id != own_view:
                raise ApiError("duplicate_external_id")

    def _view_by_external(self, external_id: Any) -> View | None:
        return next(
            (
                v
                for v in self._views.values()
                if v.open and v.payload.get("external_id") == external_id
            ),
            None,
        )

    def _new_view(
        self, payload: dict[str, Any], user: str | None, *, root: str | None, previous: str | None
    ) -> View:
        view_id = self._new_id("V", self._views)
        view = View(
            id=view_id,
            payload=payload,
            hash=_view_hash(),
            user=user,
            root_view_id=root or view_id,
            previous_view_id=previous,
        )
        self._views[view_id] = view
        return view


def _view_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"
