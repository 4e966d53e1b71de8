# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs the oauth_settings module's work in the worker process (see plugin_utils/device_action.py)."""

from __future__ import annotations

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import SETTINGS
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_action import DeviceAction

__metaclass__ = type


class ActionModule(DeviceAction):
    MODULE = SETTINGS
