"""Plumbing every layer may use: atomic files (`files`), a process pool fed as a stream
(`parallel`), pyHanko's coroutines on one event loop per thread (`sync`)."""
