"""TEST ONLY material: a demo PKI (`pki`) and a local time-stamp authority (`tsa`), for
examples, tests and the demo run; never for real transcripts."""
