"""TEST ONLY material: a demo PKI (`pki`) for examples, tests and the demo run; never for
real transcripts."""
