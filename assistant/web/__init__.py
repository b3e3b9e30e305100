"""The web layer: the Gradio app, its HTML, the briefing basket and the interface strings."""
