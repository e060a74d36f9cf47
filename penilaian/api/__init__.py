"""PortalRB integration API (spec v1.0.0): token auth, pure dict builders from Pengajuan.
Nothing imports it; only the URLconf includes it."""
