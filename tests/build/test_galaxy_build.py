"""The Galaxy artifact: built from a checkout full of stray files, exactly what is meant to ship,
accepted by galaxy-importer with Automation Hub's settings, installed into an empty collections path,
documented, and carried into an execution environment."""

import io
import json
import os
import pathlib
import re
import subprocess
import sys
import tarfile

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
MODULES = sorted(p.stem for p in (REPO / 'plugins' / 'modules').glob('*.py') if p.stem != '__init__')
# What users get: these directories whole, and these files. Everything else in a checkout stays out.
SHIPPED_DIRECTORIES = ('plugins/', 'playbooks/', 'schemas/', 'profiles/', 'docs/', 'meta/', 'inventories/example/')
SHIPPED_FILES = ('README.md', 'COPYING', 'CHANGELOG.rst', 'requirements.txt', 'changelogs/changelog.yaml',
                 'changelogs/config.yaml')
GENERATED = {'MANIFEST.json', 'FILES.json'}
STRAY_SECRET = 'Stray-Pa55word-never-shipped'
# What a working checkout may hold besides the project's files; none of it may reach the artifact.
STRAY_FILES = {
    'venv/bin/activate': '# a virtualenv\n',
    'venv/lib/python3.11/site-packages/requests/__init__.py': '# a copy of requests\n',
    'inventories/prod/hosts.yml': f'all:\n  hosts:\n    mfp-1:\n      cloudmail_admin_password: {STRAY_SECRET}\n',
    'inventories/prod/group_vars/all.yml': f'cloudmail_google_client_secret: {STRAY_SECRET}\n',
    'reports-x/fleet-report.json': f'{{"note": "{STRAY_SECRET}"}}\n',
    'reports/fleet-report.csv': 'host,status\nmfp-1,active\n',
    '.sim/demo/inventory.yml': f'all:\n  vars:\n    cloudmail_admin_password: {STRAY_SECRET}\n',
    'fleet/inventory.yml': f'all:\n  vars:\n    cloudmail_admin_password: {STRAY_SECRET}\n',
    'printfleet-cloudmail-0.0.1.tar.gz': STRAY_SECRET,
    'plugins/modules/__pycache__/oauth_info.cpython-311.pyc': STRAY_SECRET,
    'playbooks/rollout.yml.orig': STRAY_SECRET,
}


def run(*command, **kwargs):
    environment = dict(os.environ, ANSIBLE_NOCOLOR='1', PATH=f'{BIN}{os.pathsep}{os.environ["PATH"]}')
    environment.update(kwargs.pop('env', {}))
    return subprocess.run([str(part) for part in command], check=True, capture_output=True, text=True,
                          env=environment, **kwargs)


def project_files():
    """The checkout's own files: tracked by git, or new and not ignored."""
    listed = run('git', 'ls-files', '-co', '--exclude-standard', cwd=REPO).stdout.splitlines()
    return sorted(name for name in listed if (REPO / name).is_file())


def is_shipped(name):
    return name.startswith(SHIPPED_DIRECTORIES) or name in SHIPPED_FILES


def release_version(current):
    """Automation Hub's importer takes 1.0.0 or greater only: a 0.x checkout is checked as 1.0.0."""
    major = int(current.split('.')[0])
    return current if major >= 1 else '1.0.0'


@pytest.fixture(scope='module')
def checkout(tmp_path_factory):
    """A copy of this checkout with the stray files a working checkout gathers."""
    root = tmp_path_factory.mktemp('checkout')
    for name in project_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((REPO / name).read_bytes())
    for name, content in STRAY_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    galaxy = root / 'galaxy.yml'
    current = yaml.safe_load(galaxy.read_text())['version']
    galaxy.write_text(re.sub(r'(?m)^version: .*$', f'version: {release_version(current)}', galaxy.read_text()))
    return root


@pytest.fixture(scope='module')
def artifact(checkout, tmp_path_factory):
    output = tmp_path_factory.mktemp('dist')
    run(BIN / 'ansible-galaxy', 'collection', 'build', checkout, '--output-path', output)
    (tarball,) = output.glob('printfleet-cloudmail-*.tar.gz')
    return tarball


@pytest.fixture(scope='module')
def members(artifact):
    with tarfile.open(artifact) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar.getmembers() if member.isfile()}


@pytest.fixture(scope='module')
def installed(artifact, tmp_path_factory):
    collections = tmp_path_factory.mktemp('collections')
    # Only this empty path counts: a copy installed elsewhere on the machine must not satisfy the install.
    run(BIN / 'ansible-galaxy', 'collection', 'install', artifact, '-p', collections, '--offline',
        '--force', env={'ANSIBLE_COLLECTIONS_PATH': str(collections)})
    return collections


def test_artifact_holds_exactly_the_shipped_files_of_the_project(members):
    expected = {name for name in project_files() if is_shipped(name)}
    assert set(members) - GENERATED == expected
    for needed in ('plugins/module_utils/remote_ui.py', 'profiles/isensys_mf.yml', 'profiles/_base.yml',
                   'playbooks/rollout.yml', 'schemas/printer.schema.json',
                   'meta/runtime.yml', 'meta/execution-environment.yml', 'docs/user-guide.md',
                   'docs/docsite/extra-docs.yml', 'inventories/example/hosts.yml', 'COPYING', 'README.md',
                   'CHANGELOG.rst'):
        assert needed in members


def test_stray_files_of_the_checkout_never_reach_the_artifact(members):
    assert not [name for name in members if name.split('/')[0] in {'venv', 'reports', 'reports-x', '.sim', 'fleet'}]
    assert not [name for name in members if name.startswith('inventories/') and
                not name.startswith('inventories/example/')]
    assert not [name for name in members if '__pycache__' in name or name.endswith(('.pyc', '.orig', '.tar.gz'))]
    assert not [name for name, content in members.items() if STRAY_SECRET.encode() in content]


def test_artifact_carries_the_licence_it_declares(members):
    licence = members['COPYING'].decode()
    assert 'GNU GENERAL PUBLIC LICENSE' in licence and 'Version 3, 29 June 2007' in licence
    assert 'END OF TERMS AND CONDITIONS' in licence and len(licence) > 30000
    manifest = json.loads(members['MANIFEST.json'])['collection_info']
    assert manifest['license'] == ['GPL-3.0-or-later']


def test_metadata_links_are_real_addresses_of_one_repository(members):
    info = json.loads(members['MANIFEST.json'])['collection_info']
    repository = info['repository']
    assert repository.startswith('https://') and 'example.invalid' not in repository
    for field in ('documentation', 'homepage', 'issues'):
        assert info[field] is None or info[field].startswith(repository)
    links = yaml.safe_load(members['docs/docsite/links.yml'])
    assert repository.endswith('/' + links['edit_on_github']['repository'])
    for link in links.get('extra_links', []):
        assert link['url'].startswith(repository)


def test_readme_reads_right_inside_the_artifact(members):
    """Relative links point at files of the artifact; checkout-only commands stay under Developing."""
    readme = members['README.md'].decode()
    for target in re.findall(r'\]\(([^)\s]+)\)', readme):
        if not target.startswith(('https://', 'http://', '#')):
            assert target.split('#')[0] in members, f'README links to {target}, which is not in the artifact'
    using, heading, developing = readme.partition('\n## Developing')
    assert heading and developing, 'README has no "## Developing" section'
    for checkout_only in ('make ', 'python plugins/', 'playbooks/rollout.yml', 'python -m simulator'):
        assert checkout_only not in using, f'{checkout_only!r} is named outside the Developing section'
    for section in ('Requirements', 'Installation', 'Using', 'Included content', 'Release notes', 'Licens',
                    'Reporting a problem'):
        assert re.search(rf'(?m)^## .*{section}', readme), f'README has no section about {section}'
    assert 'make test' in developing


def test_galaxy_importer_accepts_the_artifact_with_automation_hub_settings(artifact):
    """tests/galaxy-importer.cfg: version 1.0.0 or greater, a certified tag, a changelog, ansible-doc and
    ansible-lint on every plugin and playbook."""
    result = run(BIN / 'python', '-m', 'galaxy_importer.main', artifact, cwd=artifact.parent,
                 env={'GALAXY_IMPORTER_CONFIG': str(REPO / 'tests' / 'galaxy-importer.cfg')})
    output = result.stdout + result.stderr
    assert 'Importer processing completed successfully' in output
    assert 'WARNING' not in output and 'ERROR' not in output, output


def test_docsite_passes_antsibull_docs_lint(installed):
    collection = installed / 'ansible_collections' / 'printfleet' / 'cloudmail'
    result = subprocess.run([str(BIN / 'antsibull-docs'), 'lint-collection-docs', '--plugin-docs', '.'],
                            cwd=collection, capture_output=True, text=True, check=False,
                            env=dict(os.environ, PATH=f'{BIN}{os.pathsep}{os.environ["PATH"]}',
                                     ANSIBLE_COLLECTIONS_PATH=str(installed)))
    assert result.returncode == 0 and result.stdout.strip() == '', result.stdout + result.stderr


@pytest.mark.parametrize('module', MODULES)
def test_installed_module_documentation_renders(installed, module):
    result = run(BIN / 'ansible-doc', f'printfleet.cloudmail.{module}',
                 env={'ANSIBLE_COLLECTIONS_PATH': str(installed)}, cwd=installed)
    assert f'printfleet.cloudmail.{module}' in result.stdout
    assert 'EXAMPLES' in result.stdout and 'RETURN VALUES' in result.stdout


def test_installed_collection_lists_every_module(installed):
    result = run(BIN / 'ansible-doc', '--list', 'printfleet.cloudmail',
                 env={'ANSIBLE_COLLECTIONS_PATH': str(installed)}, cwd=installed)
    for module in MODULES:
        assert f'printfleet.cloudmail.{module}' in result.stdout


def test_installed_collection_declares_its_python_requirements(installed):
    """What ansible-builder reads from the collection (meta/execution-environment.yml) for an EE."""
    result = run(BIN / 'ansible-builder', 'introspect', installed)
    declared = result.stdout.lower()
    # PyYAML comes with ansible-core, so ansible-builder leaves it out.
    for needed in ('requests', 'jsonschema'):
        assert needed in declared, result.stdout
    # ansible-core is the EE's own choice (execution-environment.yml), never pinned by the collection.
    assert 'ansible-core' not in declared


def test_execution_environment_is_built_from_the_release_tarball(artifact, tmp_path):
    """ansible-builder turns execution-environment.yml into a build context (the image build itself
    needs a container engine): the context holds this very tarball, under a name without a version,
    on a pinned base image, and the image runs as a non-root user in a writable working directory."""
    definition = (REPO / 'execution-environment.yml').read_text()
    version = json.loads(tarfile.open(artifact).extractfile('MANIFEST.json').read())['collection_info']['version']
    assert version not in definition
    base_image = yaml.safe_load(definition)['images']['base_image']['name']
    assert re.search(r':[0-9][\w.-]*$|@sha256:[0-9a-f]{64}$', base_image), f'base image {base_image} is not pinned'
    (tmp_path / 'execution-environment.yml').write_text(definition)
    (tmp_path / 'build' / 'release').mkdir(parents=True)
    (tmp_path / 'build' / 'release' / 'printfleet-cloudmail.tar.gz').write_bytes(artifact.read_bytes())
    run(BIN / 'ansible-builder', 'create', '-f', 'execution-environment.yml', '--context', 'context', cwd=tmp_path)
    build = tmp_path / 'context' / '_build'
    requirements = yaml.safe_load((build / 'requirements.yml').read_text())
    (collection,) = requirements['collections']
    assert (build / collection['name']).read_bytes() == artifact.read_bytes()
    (containerfile,) = [p for p in (tmp_path / 'context').iterdir() if p.name in ('Containerfile', 'Dockerfile')]
    final_stage = containerfile.read_text().rpartition('FROM ')[2]
    assert base_image in containerfile.read_text()
    assert 'chmod -R ug+rwx /runner' in final_stage and 'WORKDIR /runner' in final_stage
    assert re.search(r'(?m)^USER (?!0$|root$)\S+$', final_stage)


def test_changelog_in_the_artifact_matches_the_changelog_data(members):
    """galaxy-importer and Galaxy show CHANGELOG.rst; it must hold every release of changelog.yaml."""
    releases = yaml.safe_load(io.BytesIO(members['changelogs/changelog.yaml']))['releases']
    changelog = members['CHANGELOG.rst'].decode()
    for version in releases:
        assert f'v{version}\n' in changelog
