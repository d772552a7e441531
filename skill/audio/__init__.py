"""Pre-rendered spoken audio: clips built offline, looked up at run time (stdlib only)."""
