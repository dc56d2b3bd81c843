"""Page models: what each HTML page (and its CSV/JSON twin) shows, as typed dataclasses.

One module per page, its SPARQL in `.rq` files beside it (read by `support.sparql`). Routes
call a page model and render its result; page models use the plumbing in `web.support`
(labels, translations, formats), never Flask's request or a route.
"""
