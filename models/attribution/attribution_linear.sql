-- Linear: every eligible touch of the path gets an equal share, 1 / touches.
{{ attribution_mart(weight='1') }}
