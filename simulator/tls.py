"""Local test CA and server certificates, so clients keep certificate checks on."""

import ssl

import trustme

# Names the fake clouds answer for: the simulator routes the real hosts to itself.
CLOUD_HOSTNAMES = (
    'login.microsoftonline.com',
    'microsoft.com',
    'accounts.google.com',
    'oauth2.googleapis.com',
)
# Mail submission names the fake SMTP servers answer for (simulator/smtp_server.py).
MAIL_HOSTNAMES = ('smtp.office365.com', 'smtp.gmail.com')


class TestPKI:
    """A CA plus one server certificate covering every simulated address."""

    def __init__(self, addresses, directory):
        self.ca = trustme.CA(organization_name='printfleet simulator test CA')
        self.foreign_ca = trustme.CA(organization_name='untrusted foreign CA')
        names = ['localhost', *CLOUD_HOSTNAMES, *MAIL_HOSTNAMES, *addresses]
        self.server_cert = self.ca.issue_cert(*names)
        # Signed by a CA nobody trusts: for printers that must be refused.
        self.foreign_cert = self.foreign_ca.issue_cert(*names)
        self.ca_path = str(directory / 'ca.pem')
        self.ca.cert_pem.write_to_path(self.ca_path)

    def server_context(self, foreign=False):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        (self.foreign_cert if foreign else self.server_cert).configure_cert(context)
        return context

    def client_context(self):
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context
