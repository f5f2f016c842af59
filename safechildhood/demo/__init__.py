"""The deterministic demo of Zhambyl region: invented pupils in real places (``load_demo``) and a
login for every role (``demo_logins``). No models of its own."""
