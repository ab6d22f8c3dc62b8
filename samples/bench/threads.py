import os, sys, re, json
# Prints {thread-group: cpu-ticks} for a pid; groups strip trailing digits/ids.
pid = sys.argv[1]
out = {}
for t in os.listdir(f"/proc/{pid}/task"):
    try:
        comm = open(f"/proc/{pid}/task/{t}/comm").read().strip()
        st = open(f"/proc/{pid}/task/{t}/stat").read()
    except OSError:
        continue
    fields = st[st.rindex(')') + 2:].split()
    ticks = int(fields[11]) + int(fields[12])
    g = re.sub(r'[-_ ]?\d+$', '', comm)
    g = re.sub(r'^qtp\d+.*', 'qtp (Jetty request threads)', g)
    out[g] = out.get(g, 0) + ticks
print(json.dumps(out))
