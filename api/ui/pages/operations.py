"""Operator actions beside the platform page: redrive a parked delivery through the API's own handler (the same
DeliveryWorkflow update, so the same rule: only a parked delivery is sent again)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response
from fastapi.responses import RedirectResponse

from api.routers import deliveries
from api.ui.web import UiRoute, ViewerDep, posted_form

router = APIRouter(prefix="/ui/deliveries", route_class=UiRoute, include_in_schema=False)


@router.post("/{delivery_id}/redrive")
async def redrive(delivery_id: str, viewer: ViewerDep) -> Response:
    """Send a parked delivery again; the platform page shows it retrying, then delivered or parked again."""
    await viewer.check(deliveries.redrive)
    await posted_form(viewer)
    result = await deliveries.redrive(delivery_id[:300], viewer.principal, viewer.state.engine,
                                      await viewer.state.temporal.get())
    notice = quote(f"redrive: delivery {result.delivery_id} is {result.status}")
    return RedirectResponse(f"/ui/operator?notice={notice}#deliveries", status_code=303)
