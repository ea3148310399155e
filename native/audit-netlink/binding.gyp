{
  "targets": [
    {
      "target_name": "audit_netlink",
      "sources": ["audit.c"],
      "conditions": [["OS!='linux'", { "type": "none" }]]
    }
  ]
}
