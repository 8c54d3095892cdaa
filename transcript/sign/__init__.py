"""Signatures: XAdES on the transcript XML (`xades`, with `xmlsig`), PAdES on the package
(`pades`, through pyHanko) and B-B written in place (`cades`)."""
