"""Document status: whether an issued transcript still stands (valid, revoked, suspended,
superseded), published as a signed status list (`listformat`) kept by the issuer's register
(`register`). Checking a document against a list is the verifier's (`transcript.verify.status`).
"""
