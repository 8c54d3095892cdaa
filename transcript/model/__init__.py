"""The transcript as bytes and objects: the generated model read and written safely (`xmlio`,
`modelxml`) and the names every layer shares (`constants`)."""
