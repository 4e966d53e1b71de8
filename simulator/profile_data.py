"""Device profiles as the simulator reads them: the collection's built-in ones, and profile files.

The simulator never imports the collection. It reads the built-in profiles from the top-level
``profiles/`` directory (YAML, one file per profile) when there is one, else from
plugins/module_utils/profiles.py. A profile file (``--profile-file``) may name a built-in profile
under ``extends`` and override only what differs; mappings are merged key by key, anything else
replaces the built-in value.
"""

import copy
import importlib.util
import types
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
PROFILE_DIRECTORY = REPO_ROOT / 'profiles'
PROFILES_MODULE = REPO_ROOT / 'plugins/module_utils/profiles.py'
# The collection's own resolver of profile files (extends, merge, schema), when it has one.
RESOLVER_MODULE = REPO_ROOT / 'plugins/plugin_utils/device_profiles.py'


def merged(base, override):
    """base with override laid over it: mappings merged key by key, anything else replaced."""
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _module_profiles(path=PROFILES_MODULE, name='printfleet_device_profiles'):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read_yaml(path):
    data = yaml.safe_load(Path(path).read_text(encoding='utf-8'))
    if not isinstance(data, dict):
        raise ValueError(f'{path}: a profile file holds a mapping')
    return data


def _resolver():
    return _module_profiles(RESOLVER_MODULE, 'printfleet_device_profile_resolver') if RESOLVER_MODULE.exists() else None


def _builtin():
    """A namespace with PROFILES, LABELS, STATUS_VALUES, MESSAGES (and DURATION_PATTERN)."""
    if resolver is not None:
        built_in = {name: resolver.resolve_profile(name) for name in resolver.profile_names()}
        first = next(iter(built_in.values()))
        return types.SimpleNamespace(PROFILES=built_in, LABELS=first['labels'], STATUS_VALUES=first['status_values'],
                                     MESSAGES=first['messages'], DURATION_PATTERN=first.get('duration_pattern'))
    module = _module_profiles() if PROFILES_MODULE.exists() else types.SimpleNamespace(PROFILES={})
    files = sorted(PROFILE_DIRECTORY.glob('*.y*ml')) if PROFILE_DIRECTORY.is_dir() else []
    if not files:
        return module
    raw = {}
    for path in files:
        data = _read_yaml(path)
        raw[data.get('name', path.stem)] = data
    profiles = {name: resolve(name, raw) for name in raw if not name.startswith('_')}
    namespace = types.SimpleNamespace(**{key: getattr(module, key) for key in dir(module) if key.isupper()})
    namespace.PROFILES = profiles
    # Texts that used to be global: take them from the first profile when the module has none.
    first = next(iter(profiles.values()))
    for key, profile_key in (('LABELS', 'labels'), ('STATUS_VALUES', 'status_values'), ('MESSAGES', 'messages')):
        if not hasattr(namespace, key) and profile_key in first:
            setattr(namespace, key, first[profile_key])
    return namespace


def resolve(name, raw, seen=()):
    """The profile `name` of the mapping `raw`, with its `extends` chain applied."""
    if name in seen:
        raise ValueError(f'profile {name}: extends itself through {" -> ".join(seen)}')
    data = raw[name]
    parent = data.get('extends')
    if parent is None:
        return {key: value for key, value in data.items() if key != 'name'}
    if parent in raw:
        base = resolve(parent, raw, (*seen, name))
    elif parent in profiles.PROFILES:
        base = profiles.PROFILES[parent]
    else:
        raise ValueError(f'profile {name}: extends unknown profile {parent}')
    return merged(base, {key: value for key, value in data.items() if key not in ('name', 'extends')})


def load_profile_file(path):
    """(resolved profile, built-in family name) of a profile file that extends a built-in profile."""
    data = _read_yaml(path)
    family = data.get('extends')
    if resolver is not None and family in profiles.PROFILES:
        return resolver.resolve_profile(profile_file=str(path)), family
    if family not in profiles.PROFILES:
        raise ValueError(f'{path}: the simulator serves profile files that extend a built-in profile '
                         f'({", ".join(profiles.PROFILES)}), not {family!r}')
    profile = merged(profiles.PROFILES[family], {key: value for key, value in data.items()
                                                  if key not in ('name', 'extends')})
    return profile, family


resolver = _resolver()
profiles = _builtin()
