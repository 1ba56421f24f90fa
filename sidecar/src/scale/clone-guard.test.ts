import { privilegesGained, type GuardedConfig } from './clone-guard.js';

const plain: GuardedConfig = {
  User: 'app',
  HostConfig: {
    Privileged: false,
    CapAdd: null,
    CapDrop: ['NET_RAW'],
    Binds: ['data:/data'],
    Mounts: [{ Type: 'volume', Source: 'cache', Target: '/cache' }],
    NetworkMode: 'ntma_default',
    ReadonlyRootfs: true,
  },
};

describe('privilegesGained', () => {
  it('finds nothing in a clone identical to the oldest replica', () => {
    expect(privilegesGained(plain, plain)).toEqual([]);
    expect(privilegesGained({ HostConfig: {} }, { HostConfig: {} })).toEqual([]);
  });

  it('names every privilege, device, capability, namespace and host path the clone would gain', () => {
    const clone: GuardedConfig = {
      User: 'root',
      HostConfig: {
        Privileged: true,
        CapAdd: ['net_admin', 'SYS_ADMIN'],
        CapDrop: [],
        Devices: [{ PathOnHost: '/dev/kmsg', PathInContainer: '/dev/kmsg' }],
        DeviceRequests: [{ Driver: 'nvidia', Count: -1 }],
        DeviceCgroupRules: ['c 1:3 mr'],
        Binds: ['data:/data', '/var/run/docker.sock:/var/run/docker.sock'],
        Mounts: [
          { Type: 'volume', Source: 'cache', Target: '/cache' },
          { Type: 'bind', Source: '/etc', Target: '/host-etc' },
        ],
        VolumesFrom: ['other'],
        NetworkMode: 'host',
        PidMode: 'host',
        IpcMode: 'container:abc',
        SecurityOpt: ['seccomp=unconfined'],
        ReadonlyRootfs: false,
        GroupAdd: ['docker'],
      },
    };
    expect(privilegesGained(clone, plain)).toEqual([
      'privileged mode',
      'capability NET_ADMIN',
      'capability SYS_ADMIN',
      'capability NET_RAW (not dropped)',
      'device /dev/kmsg',
      'device request {"Driver":"nvidia","Count":-1}',
      'device cgroup rule c 1:3 mr',
      'host path /var/run/docker.sock',
      'host path /etc',
      'volumes from other',
      'NetworkMode host',
      'PidMode host',
      'IpcMode container:abc',
      'security option seccomp=unconfined',
      'a writable root filesystem',
      'group docker',
      'user "root" instead of "app"',
    ]);
  });

  it('lets a clone keep what the oldest replica already has, and drop more', () => {
    const privileged: GuardedConfig = {
      HostConfig: { Privileged: true, CapAdd: ['NET_ADMIN'], Binds: ['/srv:/srv'], NetworkMode: 'host' },
    };
    expect(privilegesGained(privileged, privileged)).toEqual([]);
    expect(privilegesGained({ HostConfig: { CapDrop: ['ALL'] } }, { HostConfig: {} })).toEqual([]);
  });
});
