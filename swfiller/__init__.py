"""swfiller: seed a Swift cluster with realistic, nasty test data."""
