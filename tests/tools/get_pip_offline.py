"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test creates each sanity-test virtual environment without pip and then runs
``python get_pip_<version>.py [pip options] pip==<version> --no-setuptools --no-wheel``.
The real script comes from ci-files.testing.ansible.com, which this machine cannot reach.
This stand-in bootstraps the pip wheel bundled with CPython (``ensurepip``, no network) and
then lets that pip install the requested packages from the configured package index
(``/etc/pip.conf``; ansible-test passes only HOME, PATH and LC_ALL to its children).

tests/tools/sanity.py copies this file to ~/.ansible/test/cache/get_pip_<version>.py.
"""

from __future__ import annotations

import subprocess
import sys

SKIP = {"--no-setuptools": "setuptools", "--no-wheel": "wheel"}


def main(argv):
    unwanted = [SKIP[arg] for arg in argv if arg in SKIP]
    pip_args = [arg for arg in argv if arg not in SKIP]
    pip = [sys.executable, "-m", "pip"]
    # Bundled wheels only: ensurepip never touches the network. It runs in a child process because
    # ensurepip.bootstrap() points PIP_CONFIG_FILE at /dev/null in os.environ, which would hide
    # /etc/pip.conf (the index certificate) from the pip install below.
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"], stdout=subprocess.DEVNULL)
    if pip_args:
        subprocess.check_call(pip + ["install", "--quiet"] + pip_args)
    # Python < 3.12 bundles setuptools with ensurepip; honour --no-setuptools like get-pip.py does.
    installed = subprocess.run(pip + ["list", "--format=freeze", "--disable-pip-version-check"],
                               check=True, capture_output=True, text=True).stdout.lower()
    remove = [name for name in unwanted if "\n%s==" % name in "\n" + installed]
    if remove:
        subprocess.check_call(pip + ["uninstall", "--yes", "--quiet", "--disable-pip-version-check"] + remove)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
