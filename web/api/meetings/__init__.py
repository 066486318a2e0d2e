"""The meetings' resource, /api/v1/meetings: `views` (the endpoints, registered by web.api),
`schemas` (bodies and answers), `bodies` (the answers built from the models and reports)."""
