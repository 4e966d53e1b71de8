"""Device profiles as the simulator reads them: the collection's built-in ones, and profile files.

Both are resolved (extends, merge, schema) by the collection's own
plugins/plugin_utils/device_profiles.py, read here by path so that the collection never depends on
the simulator and both read a profile the same way.
"""

import importlib.util
import types
from pathlib import Path

import yaml

RESOLVER_PATH = Path(__file__).resolve().parent.parent / 'plugins/plugin_utils/device_profiles.py'

_spec = importlib.util.spec_from_file_location('printfleet_device_profiles', RESOLVER_PATH)
resolver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(resolver)


def _built_in():
    """PROFILES by name; LABELS, STATUS_VALUES, MESSAGES: the words the built-in profiles share."""
    built_in = {name: resolver.resolve_profile(name) for name in resolver.profile_names()}
    shared = next(iter(built_in.values()))
    return types.SimpleNamespace(PROFILES=built_in, LABELS=shared['labels'], STATUS_VALUES=shared['status_values'],
                                 MESSAGES=shared['messages'], DURATION_PATTERN=shared['duration_pattern'])


profiles = _built_in()


def load_profile_file(path):
    """(resolved profile, built-in profile it extends: the page furniture to serve) of a profile file."""
    profile = resolver.resolve_profile(profile_file=str(path))
    family = yaml.safe_load(Path(path).read_text(encoding='utf-8')).get('extends')
    if family not in profiles.PROFILES:
        raise ValueError(f'{path}: the simulator serves profile files that extend a built-in profile '
                         f'({", ".join(profiles.PROFILES)}), not {family!r}')
    return profile, family
