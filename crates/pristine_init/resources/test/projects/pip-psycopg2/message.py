MESSAGE = "hello from pip-psycopg2"
