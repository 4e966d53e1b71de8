"""Generated inventories for the property-based validation tests: valid printers, and invalid ones that
each carry the host and variable (or the file) a message must name.

Every invalid case is built to be invalid by construction (a known-bad form of one variable), never by
asking the validator, so that an inventory the validator wrongly accepts makes the test fail.
"""

import itertools
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import trustme
import yaml
from hypothesis import strategies as st

HOST = 'mfp-1'
PASSWORD = 'Pr1nter-Adm1n-Secret'
CLIENT_SECRET = 'GOCSPX-client-secret-value'
VAULT_PASSWORD = 'vault-password-for-tests'
OTHER_VAULT_PASSWORD = 'some-other-vault-password'
AUTHORITY_HOSTS = ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn']

_counter = itertools.count()


@dataclass(frozen=True)
class Raw:
    """YAML text written as is (tags, anchors, numbers YAML reads oddly)."""
    text: str


@dataclass
class Case:
    """One inventory: variables per place, and what the validation must say."""
    host_vars: dict
    group_vars: dict = field(default_factory=dict)
    ini: bool = False
    broken_file: str = ''        # 'hosts' or 'group_vars': that file gets the raw text below instead
    broken_text: str = ''
    other_hosts: dict = field(default_factory=dict)   # more printers, each with all its variables in host_vars
    expected_variable: str = ''  # the variable the message must name ('' for a valid case)
    kind: str = 'valid'

    @property
    def expected_file(self):
        return {'hosts': 'hosts.yml', 'group_vars': 'printers.yml'}.get(self.broken_file, '')


class Fixtures:
    """Files the cases refer to: a good CA, files that are no CA, vault values, a vault password file."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.ca_file = self.directory / 'ca.pem'
        trustme.CA().cert_pem.write_to_path(str(self.ca_file))
        self.der_file = self.directory / 'ca.der'
        self.der_file.write_bytes(b'\x30\x82\x03\x0a' + bytes(range(256)) * 3)
        self.broken_pem = self.directory / 'broken.pem'
        self.broken_pem.write_text('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n')
        self.vault_password_file = self.directory / 'vault-password'
        self.vault_password_file.write_text(VAULT_PASSWORD + '\n')
        self.vaulted_password = _vault_text(PASSWORD, VAULT_PASSWORD)
        self.vaulted_client_secret = _vault_text(CLIENT_SECRET, VAULT_PASSWORD)
        self.vaulted_with_other_password = _vault_text(PASSWORD, OTHER_VAULT_PASSWORD)
        self.vaulted_bad_port = _vault_text('70000', VAULT_PASSWORD)

    def write(self, case):
        """Write the case as an inventory directory; return its path."""
        root = self.directory / ('inventory-%06d' % next(_counter))
        (root / 'group_vars').mkdir(parents=True)
        (root / 'host_vars').mkdir()
        for name, variables in case.other_hosts.items():
            (root / 'host_vars' / ('%s.yml' % name)).write_text(_yaml_mapping(variables), encoding='utf-8')
        if case.ini:
            hosts_text = '[printers]\n%s\n' % '\n'.join([HOST, *case.other_hosts])
            group_vars = dict(case.group_vars, **case.host_vars)
            host_vars = {}
        else:
            host_vars, group_vars = case.host_vars, case.group_vars
            indented = textwrap.indent(_yaml_mapping(host_vars), ' ' * 6) if host_vars else ''
            hosts_text = 'printers:\n  hosts:\n    %s:\n%s' % (HOST, indented)
            hosts_text += ''.join('    %s:\n' % name for name in case.other_hosts)
        if case.broken_file == 'hosts':
            hosts_text = case.broken_text
        (root / ('hosts' if case.ini else 'hosts.yml')).write_text(hosts_text, encoding='utf-8')
        group_text = case.broken_text if case.broken_file == 'group_vars' else _yaml_mapping(group_vars)
        (root / 'group_vars' / 'printers.yml').write_text(group_text or '{}\n', encoding='utf-8')
        return root


def _vault_text(plaintext, password):
    from ansible.parsing.vault import VaultLib, VaultSecret

    vault = VaultLib([('default', VaultSecret(password.encode()))])
    ciphertext = vault.encrypt(plaintext).decode()
    return Raw('!vault |\n' + textwrap.indent(ciphertext, '  '))


def _yaml_mapping(variables):
    lines = []
    for name, value in variables.items():
        if isinstance(value, Raw):
            lines.append('%s: %s' % (name, value.text))
        else:
            dumped = yaml.safe_dump({name: value}, default_flow_style=False, allow_unicode=True, width=10 ** 6)
            lines.append(dumped.rstrip('\n'))
    return '\n'.join(lines) + '\n' if lines else ''


# ------------------------------------------------------------------ valid printers
DNS_LABEL = st.from_regex(r'\A[a-z][a-z0-9-]{0,20}[a-z0-9]\Z')
HOST_NAMES = st.builds(lambda labels, tld: '.'.join(labels + [tld]), st.lists(DNS_LABEL, min_size=1, max_size=3),
                       st.sampled_from(['com', 'fr', 'example', 'lan', 'internal']))
IPV4 = st.ip_addresses(v=4).map(str)
IPV6 = st.ip_addresses(v=6).map(str)
GOOD_HOSTS = st.one_of(HOST_NAMES, DNS_LABEL, IPV4, IPV6, IPV6.map(lambda address: '[%s]' % address))
GUIDS = st.uuids().map(str)
DOMAINS = st.builds(lambda label, suffix: label + suffix, DNS_LABEL,
                    st.sampled_from(['.onmicrosoft.com', '.com', '.co.uk', '.onmicrosoft.us']))
GOOD_TENANTS = st.one_of(st.sampled_from(['common', 'organizations', 'consumers']), GUIDS, DOMAINS)
GOOD_CLIENT_IDS = st.builds('{}-{}.apps.googleusercontent.com'.format, st.integers(1, 10 ** 12),
                            st.from_regex(r'\A[a-z0-9]{1,32}\Z'))
# Text that is no template ({{ }} would be rendered) and no control or line-break character.
PRINTABLE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2fff, exclude_characters='{}%',
                                  exclude_categories=('Cc', 'Cs', 'Zl', 'Zp')), min_size=1, max_size=40)
NO_TEMPLATE_TEXT = st.text(st.characters(exclude_characters='{}%', exclude_categories=('Cs',)), max_size=30)


@st.composite
def valid_cases(draw, fixtures):
    provider = draw(st.sampled_from(['microsoft', 'google']))
    variables = {
        'cloudmail_host': draw(GOOD_HOSTS),
        'cloudmail_profile': draw(st.sampled_from(['imagerunner_advance', 'isensys_mf'])),
        'cloudmail_provider': provider,
        'cloudmail_username': draw(PRINTABLE),
        'cloudmail_password': draw(st.one_of(PRINTABLE, st.just(fixtures.vaulted_password))),
    }
    if provider == 'microsoft':
        if draw(st.booleans()):
            variables['cloudmail_microsoft_tenant'] = draw(GOOD_TENANTS)
        else:
            variables['cloudmail_microsoft_authority_url'] = 'https://%s/%s/oauth2/v2.0%s' % (
                draw(st.sampled_from(AUTHORITY_HOSTS)), draw(GOOD_TENANTS), draw(st.sampled_from(['', '/'])))
    else:
        variables['cloudmail_google_client_id'] = draw(GOOD_CLIENT_IDS)
        variables['cloudmail_google_client_secret'] = draw(st.sampled_from(
            [CLIENT_SECRET, fixtures.vaulted_client_secret]))
    optional = {
        'cloudmail_port': st.one_of(st.integers(1, 65535), st.just('{{ 8000 + 443 }}')),
        'cloudmail_timeout': st.one_of(st.floats(0.1, 300), st.integers(1, 300)),
        'cloudmail_retries': st.integers(0, 10),
        'cloudmail_validate_certs': st.booleans(),
        'cloudmail_ca_path': st.just(str(fixtures.ca_file)),
        'cloudmail_verify_server_certificate': st.booleans(),
        'cloudmail_add_cn_to_verification': st.booleans(),
        'cloudmail_report_slice': st.from_regex(r'\A[A-Za-z0-9][A-Za-z0-9_.-]{0,20}\Z'),
        'cloudmail_authorization_rounds': st.integers(1, 10),
        'cloudmail_expiry_horizon_days': st.one_of(st.integers(0, 365), st.floats(0, 365), st.sampled_from(['2', '7.5'])),
        'cloudmail_interactive': st.sampled_from([True, False, 'auto']),
        'site_name': PRINTABLE,
    }
    for name in draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=6)):
        variables[name] = draw(optional[name])
    if draw(st.booleans()):
        variables['cloudmail_host'] = '{{ inventory_hostname }}.example.com'
    return _placed(draw, Case(host_vars=variables, ini=draw(st.booleans())))


def _placed(draw, case):
    """Move some variables to group_vars, as a real inventory would."""
    moved = draw(st.lists(st.sampled_from(sorted(case.host_vars)), unique=True)) if case.host_vars else []
    for name in moved:
        case.group_vars[name] = case.host_vars.pop(name)
    return case


# ------------------------------------------------------------------ invalid printers: one bad thing each
STRING_VARIABLES = ['cloudmail_host', 'cloudmail_username', 'cloudmail_password', 'cloudmail_ca_path',
                    'cloudmail_microsoft_tenant', 'cloudmail_google_client_id', 'cloudmail_report_dir',
                    'cloudmail_report_slice']
INTEGER_VARIABLES = ['cloudmail_port', 'cloudmail_retries']
BOOLEAN_VARIABLES = ['cloudmail_validate_certs', 'cloudmail_verify_server_certificate',
                     'cloudmail_add_cn_to_verification']
ENUM_VARIABLES = ['cloudmail_profile', 'cloudmail_provider']
NOT_A_STRING = st.one_of(st.integers(), st.booleans(), st.lists(st.integers(), max_size=3),
                         st.dictionaries(st.from_regex(r'\A[a-z]{1,5}\Z'), st.integers(), min_size=1, max_size=2),
                         st.none())
NOT_AN_INTEGER = st.one_of(NO_TEMPLATE_TEXT, st.booleans(), st.lists(st.integers(1, 9), max_size=3),
                           st.floats(1.5, 100.5).filter(lambda number: number != int(number)), st.none())
NOT_A_BOOLEAN = st.one_of(st.sampled_from(['maybe', 'enabled', '']), st.integers(2, 9),
                          st.lists(st.booleans(), min_size=1), st.none())
UNICODE = st.text(st.characters(min_codepoint=0x80, max_codepoint=0x10ffff, categories=['L', 'N', 'S', 'P']),
                  min_size=1, max_size=20)
BAD_HOSTS = st.one_of(
    st.builds('{}.{}.{}.{}'.format, *[st.integers(0, 999)] * 3, st.integers(256, 999)),
    st.builds('{}:{}'.format, st.sampled_from(['cafe', 'mfp-1.example.com', '10.0.0.1']), st.integers(1, 65535)),
    st.builds('https://{}'.format, HOST_NAMES),
    st.builds('{}/{}'.format, HOST_NAMES, DNS_LABEL),
    st.builds('{}_{}.example.com'.format, DNS_LABEL, DNS_LABEL),
    UNICODE.map(lambda text: 'mfp-%s.example.com' % text),
    st.text(st.sampled_from('abc-.'), min_size=254, max_size=300),
    st.just(''), st.just(' '), st.just('1.2.3'), st.just('[mfp.example.com]'),
)
BAD_TENANTS = st.one_of(
    st.builds(lambda guid, cut: guid[:cut], GUIDS, st.integers(9, 35)),
    GUIDS.map(lambda guid: guid.replace('-', '')[:31] + 'g'),
    DNS_LABEL.filter(lambda label: label not in ('common', 'consumers', 'organizations') and not label.isdigit()),
    st.builds('{} {}'.format, DNS_LABEL, DNS_LABEL),
    st.builds('{}/{}'.format, DOMAINS, DNS_LABEL),
    UNICODE.map(lambda text: text + '.onmicrosoft.com'),
    st.just(''), st.text(st.sampled_from('ab'), min_size=254, max_size=400).map(lambda text: text + '.com'),
)
BAD_AUTHORITIES = st.one_of(
    st.builds('http://{}/{}/oauth2/v2.0'.format, st.sampled_from(AUTHORITY_HOSTS), GOOD_TENANTS),
    st.builds('https://{}/{}/oauth2/v2.0'.format, HOST_NAMES, GOOD_TENANTS),
    st.builds('https://login.microsoftonline.de/{}/oauth2/v2.0'.format, GOOD_TENANTS),
    st.builds('https://{}/{}/oauth2/token'.format, st.sampled_from(AUTHORITY_HOSTS), GOOD_TENANTS),
    st.builds('https://{}/{}/oauth2/v2.0'.format, st.sampled_from(AUTHORITY_HOSTS), BAD_TENANTS.filter(bool)),
    NO_TEMPLATE_TEXT,
)
BAD_CLIENT_IDS = st.one_of(
    st.from_regex(r'\A[a-z][a-z0-9]{0,20}\Z').map(lambda text: text + '.apps.googleusercontent.com'),
    st.builds('{}-{}.apps.googleusercontent.com'.format, st.integers(1, 10 ** 12), st.sampled_from(['', 'a_b', 'a.b'])),
    GOOD_CLIENT_IDS.map(lambda client_id: client_id + '.evil.example'),
    GOOD_CLIENT_IDS.map(lambda client_id: client_id.replace('.apps.', '.app.')),
    UNICODE.map(lambda text: '123-%s.apps.googleusercontent.com' % text),
    NO_TEMPLATE_TEXT,
)


def _without(variables, *names):
    return {name: value for name, value in variables.items() if name not in names}


@st.composite
def invalid_cases(draw, fixtures, kind=None, printer=None):
    """A valid printer (``printer``: the variables of a real one) with exactly one thing wrong (of ``kind``,
    one of KINDS, or any), and the variable (or file) the message must name."""
    base = draw(valid_cases(fixtures)) if printer is None else Case(host_vars=dict(printer))
    variables = dict(base.group_vars, **base.host_vars)
    provider = variables['cloudmail_provider']
    kind = kind or draw(st.sampled_from(KINDS))
    name, value, variables = _MUTATIONS[kind](draw, fixtures, variables, provider)
    case = Case(host_vars=variables, kind=kind, expected_variable=name)
    if kind.startswith('file:'):
        case.broken_file, case.broken_text = value
        return case
    if value is not _UNSET:
        case.host_vars[name] = value
    # YAML tags, anchors and numbers written oddly need the YAML inventory; the rest may be INI too.
    case.ini = base.ini and not isinstance(value, Raw)
    return _placed(draw, case) if not isinstance(value, Raw) else case


_UNSET = object()


def _wrong_type(draw, fixtures, variables, provider):
    name, bad = draw(st.one_of(
        st.tuples(st.sampled_from(STRING_VARIABLES), NOT_A_STRING),
        st.tuples(st.sampled_from(INTEGER_VARIABLES), NOT_AN_INTEGER),
        st.tuples(st.sampled_from(BOOLEAN_VARIABLES), NOT_A_BOOLEAN),
        st.tuples(st.just('cloudmail_timeout'), st.one_of(NO_TEMPLATE_TEXT, st.lists(st.integers(), min_size=1),
                                                          st.booleans(), st.none())),
    ))
    return name, bad, _without(variables, name)


def _unknown_variable(draw, fixtures, variables, provider):
    suffix = draw(st.from_regex(r'\A[a-z][a-z_]{0,20}\Z').filter(lambda text: 'cloudmail_' + text not in KNOWN))
    return 'cloudmail_' + suffix, draw(st.one_of(st.integers(), NO_TEMPLATE_TEXT)), variables


def _missing_required(draw, fixtures, variables, provider):
    required = ['cloudmail_host', 'cloudmail_profile', 'cloudmail_provider', 'cloudmail_username',
                'cloudmail_password']
    if provider == 'google':
        required += ['cloudmail_google_client_id', 'cloudmail_google_client_secret']
    name = draw(st.sampled_from(required))
    return name, _UNSET, _without(variables, name)


def _missing_tenant(draw, fixtures, variables, provider):
    variables = _without(variables, 'cloudmail_microsoft_tenant', 'cloudmail_microsoft_authority_url',
                         'cloudmail_google_client_id', 'cloudmail_google_client_secret')
    variables['cloudmail_provider'] = 'microsoft'
    if draw(st.booleans()):
        variables['cloudmail_microsoft_tenant'] = draw(GOOD_TENANTS)
        variables['cloudmail_microsoft_authority_url'] = 'https://login.microsoftonline.com/common/oauth2/v2.0'
    return 'cloudmail_microsoft_tenant', _UNSET, variables


def _microsoft(variables):
    variables = _without(variables, 'cloudmail_microsoft_tenant', 'cloudmail_microsoft_authority_url',
                         'cloudmail_google_client_id', 'cloudmail_google_client_secret')
    variables['cloudmail_provider'] = 'microsoft'
    return variables


def _google(variables):
    variables = _without(variables, 'cloudmail_microsoft_tenant', 'cloudmail_microsoft_authority_url')
    variables.update(cloudmail_provider='google', cloudmail_google_client_secret=CLIENT_SECRET,
                     cloudmail_google_client_id='1234-abc.apps.googleusercontent.com')
    return variables


def _bad_tenant(draw, fixtures, variables, provider):
    return 'cloudmail_microsoft_tenant', draw(BAD_TENANTS), _microsoft(variables)


def _bad_authority(draw, fixtures, variables, provider):
    return 'cloudmail_microsoft_authority_url', draw(BAD_AUTHORITIES), _microsoft(variables)


def _bad_client_id(draw, fixtures, variables, provider):
    return 'cloudmail_google_client_id', draw(BAD_CLIENT_IDS), _google(variables)


def _bad_host(draw, fixtures, variables, provider):
    return 'cloudmail_host', draw(BAD_HOSTS), variables


def _bad_enum(draw, fixtures, variables, provider):
    name = draw(st.sampled_from(ENUM_VARIABLES + ['cloudmail_google_update_secret']))
    value = draw(st.one_of(st.sampled_from(['imagerunner', 'Microsoft', 'gmail', 'ISENSYS_MF', 'never']), UNICODE))
    return name, value, variables


def _huge_string(draw, fixtures, variables, provider):
    name, limit = draw(st.sampled_from([('cloudmail_username', 256), ('cloudmail_password', 256),
                                        ('cloudmail_host', 253), ('cloudmail_report_slice', 64),
                                        ('cloudmail_ca_path', 4096)]))
    size = draw(st.integers(limit + 1, limit * 4))
    return name, draw(st.sampled_from(['x', 'é', '\u4e2d', '\U0001f5a8'])) * size, variables


def _control_characters(draw, fixtures, variables, provider):
    name = draw(st.sampled_from(['cloudmail_username', 'cloudmail_password', 'cloudmail_google_client_secret']))
    variables = _google(variables) if name == 'cloudmail_google_client_secret' else variables
    text = draw(PRINTABLE)
    position = draw(st.integers(0, len(text)))
    return name, text[:position] + draw(st.sampled_from(['\n', '\t', '\x00', '\x1b', '\x7f'])) + text[position:], variables


def _null(draw, fixtures, variables, provider):
    allowed = KNOWN - {'cloudmail_microsoft_tenant', 'cloudmail_microsoft_authority_url', 'cloudmail_serial'}
    name = draw(st.sampled_from(sorted(allowed)))
    return name, Raw(draw(st.sampled_from(['~', 'null', '', 'Null']))), variables


def _list_for_scalar(draw, fixtures, variables, provider):
    name = draw(st.sampled_from(STRING_VARIABLES + INTEGER_VARIABLES + BOOLEAN_VARIABLES + ENUM_VARIABLES))
    return name, draw(st.lists(st.one_of(st.integers(), NO_TEMPLATE_TEXT), min_size=1, max_size=3)), variables


def _anchor(draw, fixtures, variables, provider):
    """An alias that brings a list or mapping (or a whole printer) where a scalar belongs."""
    name = draw(st.sampled_from(STRING_VARIABLES + INTEGER_VARIABLES + ENUM_VARIABLES))
    variables = dict({'site_servers': Raw('&servers [mail1, mail2]')}, **variables)   # the anchor comes first
    return name, Raw(draw(st.sampled_from(['*servers', '&own [1, 2]', '&own {a: 1}']))), variables


def _bad_number(draw, fixtures, variables, provider):
    name, value = draw(st.one_of(
        st.tuples(st.just('cloudmail_port'), st.one_of(
            st.integers(max_value=0), st.integers(min_value=65536),
            st.sampled_from([Raw('443_000'), Raw('4_43'), Raw('0443'), Raw('0x1bb'), Raw('7:23'), Raw('+0443')]))),
        st.tuples(st.just('cloudmail_timeout'), st.one_of(
            st.sampled_from([Raw('.nan'), Raw('.NaN'), Raw('.inf'), Raw('-.inf'), 0, 0.0]),
            st.floats(max_value=0, allow_nan=False), st.floats(min_value=300.001, allow_nan=False))),
        st.tuples(st.just('cloudmail_retries'), st.one_of(st.integers(max_value=-1), st.integers(min_value=11),
                                                          st.sampled_from([Raw('0x3'), Raw('0_3'), Raw('03')]))),
    ))
    return name, value, variables


def _yaml_tag(draw, fixtures, variables, provider):
    name = draw(st.sampled_from(STRING_VARIABLES + ENUM_VARIABLES))
    tagged = ['!!binary aGVsbG8=', '2026-01-01', '2026-01-01 10:00:00', '!!set {a, b}', '!!omap [a: 1]']
    return name, Raw(draw(st.sampled_from(tagged))), variables


def _template(draw, fixtures, variables, provider):
    name, template = draw(st.one_of(
        st.tuples(st.just('cloudmail_port'), st.sampled_from(['{{ 70000 }}', '{{ "443" ~ "0" ~ "00" }}', '{{ 0 }}'])),
        st.tuples(st.just('cloudmail_profile'), st.sampled_from(['{{ "imagerunner" }}', '{{ 42 }}'])),
        st.tuples(st.just('cloudmail_host'), st.sampled_from(['{{ "999.999.999.999" }}', '{{ [1, 2] }}',
                                                              '{{ inventory_hostname }}:8443'])),
        st.tuples(st.sampled_from(sorted(KNOWN - {'cloudmail_serial'})),
                  st.builds('{{{{ {} }}}}'.format, st.from_regex(r'\Aundefined_[a-z]{1,8}\Z'))),
        st.tuples(st.just('cloudmail_username'), st.sampled_from(['{{ undefined_name | upper }}', '{{ }}',
                                                                  '{% if %}'])),
    ))
    if name == 'cloudmail_microsoft_tenant':
        variables = _microsoft(variables)
    return name, template, variables


def _unsafe(draw, fixtures, variables, provider):
    """!unsafe text stays literal, as in the rollout: a literal template is no port, host or profile."""
    name = draw(st.sampled_from(['cloudmail_port', 'cloudmail_host', 'cloudmail_profile', 'cloudmail_timeout']))
    return name, Raw('!unsafe "{{ %s }}"' % draw(st.sampled_from(['443', 'inventory_hostname', "'isensys_mf'"]))), \
        variables


def _vault(draw, fixtures, variables, provider):
    if draw(st.booleans()):
        return 'cloudmail_password', fixtures.vaulted_with_other_password, variables
    return 'cloudmail_port', fixtures.vaulted_bad_port, variables


def _ca_file(draw, fixtures, variables, provider):
    path = draw(st.sampled_from([str(fixtures.directory / 'missing.pem'), str(fixtures.directory),
                                 str(fixtures.der_file), str(fixtures.broken_pem), '~/no-such-ca.pem']))
    return 'cloudmail_ca_path', path, variables


def _playbook_setting(draw, fixtures, variables, provider):
    name, value = draw(st.one_of(
        st.tuples(st.just('cloudmail_report_slice'), st.sampled_from(['-x', 'a b', 'x/y', '', '\u00e9t\u00e9'])),
        st.tuples(st.just('cloudmail_max_fail_percentage'), st.one_of(st.integers(101, 1000), st.just('150'))),
        st.tuples(st.just('cloudmail_authorization_rounds'), st.one_of(st.integers(11, 99), st.just(0))),
        st.tuples(st.just('cloudmail_authorization_timeout'), st.sampled_from([0, -5, 100000, '0', 'soon'])),
        st.tuples(st.just('cloudmail_interactive'), st.sampled_from(['sometimes', 2])),
        st.tuples(st.just('cloudmail_expiry_horizon_days'), st.sampled_from([-1, 366, '-1', '2 days', 'soon'])),
        st.tuples(st.just('cloudmail_serial'), st.sampled_from([0, '0%', '101%', [], 'all'])),
        st.tuples(st.just('cloudmail_google_authorization_codes'), st.sampled_from([[], 'code', {HOST: 42}])),
    ))
    return name, value, variables


def _broken_file(draw, fixtures, variables, provider):
    where = draw(st.sampled_from(['hosts', 'group_vars']))
    if where == 'hosts':
        text = draw(st.sampled_from([
            'printers:\n  hosts:\n\tmfp-1:\n',
            'printers:\n  hosts:\n    mfp-1:\n      cloudmail_port: *nowhere\n',
            'printers:\n  hosts:\n    mfp-1:\n      cloudmail_host: [unclosed\n',
            'printers:\n  hosts:\n    mfp-1:\n      cloudmail_host: "unterminated\n',
            'printers:\n  hosts:\n    mfp-1: {cloudmail_port: 443\n',
        ]))
    else:
        text = draw(st.sampled_from([
            'cloudmail_port: 443\n\tcloudmail_retries: 3\n',
            'cloudmail_port: *nowhere\n',
            'cloudmail_port: [1, 2\n',
            'cloudmail_host: "x\n',
            'cloudmail_host: x\n  cloudmail_port: 1: 2\n',
        ]))
    return '', (where, text), variables


_MUTATIONS = {
    'wrong type': _wrong_type, 'unknown variable': _unknown_variable, 'missing variable': _missing_required,
    'missing or both tenant and authority': _missing_tenant, 'bad tenant': _bad_tenant,
    'bad authority URL': _bad_authority, 'bad Google client ID': _bad_client_id, 'bad host': _bad_host,
    'bad choice': _bad_enum, 'huge string': _huge_string, 'control characters': _control_characters,
    'null': _null, 'list for a scalar': _list_for_scalar, 'YAML anchor': _anchor, 'bad number': _bad_number,
    'YAML tag': _yaml_tag, 'template': _template, '!unsafe': _unsafe, 'vault': _vault, 'CA file': _ca_file,
    'playbook setting': _playbook_setting, 'file: YAML syntax': _broken_file,
}


KINDS = sorted(_MUTATIONS)


def _known_variables():
    schema_path = Path(__file__).resolve().parents[2] / 'schemas' / 'printer.schema.json'
    schema = yaml.safe_load(schema_path.read_text())
    return frozenset(schema['$defs']['cloudmail_variables']['properties'])


KNOWN = _known_variables()
