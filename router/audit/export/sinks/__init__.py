"""Where audit events go: files, standard output, syslog, HTTP collectors."""
