"""The simulator's CONNECT proxy: the clouds' real names lead to the fake clouds, every other host is refused."""

import socket

import requests


def connect(proxy_url, target):
    host, port = proxy_url.rsplit('//', 1)[1].split(':')
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(f'CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n'.encode())
        return connection.recv(200).split(b'\r\n', 1)[0].decode()


def test_cloud_names_lead_to_the_fake_clouds_and_nothing_else(simulated_fleet):
    fleet = simulated_fleet(printers=1)
    proxy = fleet.state['cloud_proxy']
    assert connect(proxy, 'example.com:443').startswith('HTTP/1.1 403')
    assert connect(proxy, 'login.microsoftonline.com:80').startswith('HTTP/1.1 403')
    assert connect(proxy, 'login.microsoftonline.com:443').startswith('HTTP/1.1 200')

    # Real HTTPS with the certificate checked against the simulator's test CA, under the real name.
    session = requests.Session()
    session.trust_env = False
    answer = session.get('https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration',
                         proxies={'https': proxy}, verify=fleet.ca_path, timeout=10)
    assert answer.status_code == 200 and 'device_authorization_endpoint' in answer.json()
    assert fleet.inventory['all']['vars']['cloudmail_cloud_proxy'] == proxy
