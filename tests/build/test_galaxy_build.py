"""The Galaxy artifact: built from this checkout, installed into an empty collections path, documented."""

import os
import pathlib
import subprocess
import sys
import tarfile

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
MODULES = sorted(p.stem for p in (REPO / 'plugins' / 'modules').glob('*.py') if p.stem != '__init__')
DEV_ONLY = ('simulator/', 'tests/', 'benchmarks/', 'extensions/', '.ci/', 'Makefile', 'requirements-test.txt', '.venv/',
            'build/', '.pytest_cache/', '.ansible-lint')


def run(*command, **kwargs):
    environment = dict(os.environ, ANSIBLE_NOCOLOR='1')
    environment.update(kwargs.pop('env', {}))
    return subprocess.run(command, check=True, capture_output=True, text=True, env=environment, **kwargs)


@pytest.fixture(scope='module')
def artifact(tmp_path_factory):
    output = tmp_path_factory.mktemp('dist')
    run(str(BIN / 'ansible-galaxy'), 'collection', 'build', str(REPO), '--output-path', str(output))
    (tarball,) = output.glob('printfleet-cloudmail-*.tar.gz')
    return tarball


@pytest.fixture(scope='module')
def installed(artifact, tmp_path_factory):
    collections = tmp_path_factory.mktemp('collections')
    # Only this empty path counts: a copy installed elsewhere on the machine must not satisfy the install.
    run(str(BIN / 'ansible-galaxy'), 'collection', 'install', str(artifact), '-p', str(collections), '--offline',
        '--force', env={'ANSIBLE_COLLECTIONS_PATH': str(collections)})
    return collections


def test_artifact_leaves_out_the_simulator_tests_and_dev_files(artifact):
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
    assert 'galaxy.yml' not in names and 'MANIFEST.json' in names
    assert [n for n in names if n.startswith(DEV_ONLY)] == []
    for needed in ('plugins/module_utils/remote_ui.py', 'profiles/isensys_mf.yml', 'profiles/_base.yml',
                   'playbooks/rollout.yml', 'schemas/printer.schema.json', 'meta/runtime.yml', 'README.md'):
        assert needed in names


@pytest.mark.parametrize('module', MODULES)
def test_installed_module_documentation_renders(installed, module):
    result = run(str(BIN / 'ansible-doc'), f'printfleet.cloudmail.{module}',
                 env={'ANSIBLE_COLLECTIONS_PATH': str(installed)}, cwd=installed)
    assert f'printfleet.cloudmail.{module}' in result.stdout
    assert 'EXAMPLES' in result.stdout and 'RETURN VALUES' in result.stdout


def test_installed_collection_lists_every_module(installed):
    result = run(str(BIN / 'ansible-doc'), '--list', 'printfleet.cloudmail',
                 env={'ANSIBLE_COLLECTIONS_PATH': str(installed)}, cwd=installed)
    for module in MODULES:
        assert f'printfleet.cloudmail.{module}' in result.stdout


def test_execution_environment_build_context_carries_the_collection(artifact, tmp_path):
    """ansible-builder turns execution-environment.yml into a build context (the image build itself
    needs a container engine): the context must hold this very tarball and the Python requirements."""
    (tmp_path / 'execution-environment.yml').write_text((REPO / 'execution-environment.yml').read_text())
    (tmp_path / artifact.name).write_bytes(artifact.read_bytes())
    run(str(BIN / 'ansible-builder'), 'create', '-f', 'execution-environment.yml', '--context', 'context',
        cwd=tmp_path)
    build = tmp_path / 'context' / '_build'
    requirements = (build / 'requirements.yml').read_text()
    (collection,) = [line.split('name:')[1].strip() for line in requirements.splitlines() if 'name:' in line]
    assert (build / collection).read_bytes() == artifact.read_bytes()
    python_requirements = (build / 'requirements.txt').read_text()
    for needed in ('requests', 'jsonschema', 'PyYAML'):
        assert needed in python_requirements
