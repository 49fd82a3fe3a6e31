"""``recon serve``: the web application over the store for a settlements team (SPEC §12).

Server-side pages (Weeks, a week, Issues, an issue, Audit) and their JSON twins, rendered
from ``templates/serve/`` with the reports' style; no check logic of its own: the figures
are the store's and the register's, the reports and audits those the commands write.

Modules:

* :mod:`~recon.serve.config`: the settings and where the server may listen;
* :mod:`~recon.serve.users`: the users file (scrypt hashes) and ``--add-user``;
* :mod:`~recon.serve.sessions`: sessions, the slowing of failed logins, API credentials;
* :mod:`~recon.serve.state`: what the running server holds (never the store);
* :mod:`~recon.serve.guard`: the checks in front of every request (host, login, CSRF,
  read-only, security headers);
* :mod:`~recon.serve.access`: the store opened for one request (read-only, or for writing
  a change), the server's requests taking turns on it;
* :mod:`~recon.serve.queries`: what the pages read besides the audit (coverage, findings,
  stored values);
* :mod:`~recon.serve.issues`: the register's issues filtered and sorted, and the change of
  an issue's workflow a form or a JSON body asks for;
* :mod:`~recon.serve.views`: each page's data, shared by the page and its JSON twin;
* :mod:`~recon.serve.charts`: the charts, drawn by the reports' SVG code;
* :mod:`~recon.serve.downloads`: reports and audits made on demand;
* :mod:`~recon.serve.pages`, :mod:`~recon.serve.responses`, :mod:`~recon.serve.assets`:
  templates, answers, static files;
* :mod:`~recon.serve.routes`, :mod:`~recon.serve.app`, :mod:`~recon.serve.server`: the
  routes (with the dispute actions, recorded by :func:`recon.store.register.record_event`),
  the application, uvicorn.
"""
