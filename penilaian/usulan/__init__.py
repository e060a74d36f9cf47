"""Units proposed to PortalRB for a year (by the chair or the Kanwil admin)."""
