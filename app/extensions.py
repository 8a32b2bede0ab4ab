"""Flask extensions, created once and bound to the app in the factory."""

from authlib.integrations.flask_client import OAuth
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

oauth = OAuth()
db = SQLAlchemy()
csrf = CSRFProtect()
