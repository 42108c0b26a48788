"""Storage policies of destination containers: an origin container's
policy, mapped by ``policy_map``, must exist on the destination, and an
existing destination container must already have it (Swift cannot change
a container's policy: a PUT with another one answers 409)."""
from swsync.client.errors import SyncError


class StoragePolicies:
    """The destination's policies (from its /info) and the mapping."""

    def __init__(self, policy_map, dest_info):
        self.policy_map = dict(policy_map or {})
        self.names = None       # unknown: /info hidden
        policies = (dest_info or {}).get('swift', {}).get('policies')
        if policies:
            self.names = set()
            for policy in policies:
                self.names.add(policy['name'])
                self.names.update(a.strip() for a in
                                  policy.get('aliases', '').split(',') if a)

    def for_origin(self, origin_policy):
        """The destination policy for an origin policy name, or a clear
        error when the destination does not have it."""
        if not origin_policy:
            return None
        policy = self.policy_map.get(origin_policy, origin_policy)
        if self.names is not None and policy not in self.names:
            raise SyncError('storage policy %s does not exist on the '
                            'destination (set policy_map to map it)' % policy)
        return policy

    @staticmethod
    def check(policy, o_headers, d_headers):
        """An existing destination container must have the policy."""
        d_policy = d_headers.get('x-storage-policy')
        if policy and d_policy and policy != d_policy:
            origin_policy = o_headers.get('x-storage-policy')
            raise SyncError('storage policy differs: %s on origin%s, %s on '
                            'destination; Swift cannot change a container\'s '
                            'policy: delete the destination container (the '
                            'next run re-creates and fills it) or map the '
                            'policy with policy_map' % (
                                origin_policy,
                                ' (mapped to %s)' % policy
                                if policy != origin_policy else '',
                                d_policy))
