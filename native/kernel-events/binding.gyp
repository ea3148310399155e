{
  "targets": [
    {
      "target_name": "kernel_events",
      "sources": ["kernel_events.c"],
      "conditions": [["OS!='linux'", { "type": "none" }]]
    }
  ]
}
