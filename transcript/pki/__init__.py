"""Keys and trust: signing identities (`keys`), what a verifier trusts (`trust`), and the
RFC 3161 time-stamp client (`tsa`; the TEST ONLY authority is `transcript.demo.tsa`)."""
