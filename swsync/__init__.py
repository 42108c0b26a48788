"""swsync: mirror every account of an origin Swift cluster onto another."""
