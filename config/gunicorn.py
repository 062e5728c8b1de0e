"""gunicorn settings shared by every way the web process starts (Procfile, Dockerfile,
docker-compose.yml): ``gunicorn --config config/gunicorn.py ...``. The command lines keep the
rest (bind, workers, log files), so they still read as what runs.
"""

# The access log names the path without its query string and leaves out the referrer: both
# carry what shoppers search for (/search/?q=…) and, in links from emails, order numbers.
# gunicorn's default format logs the full request line (%(r)s) and the referrer (%(f)s).
# Atoms: client address, time, method, path, protocol, status, bytes sent, user agent, seconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'
