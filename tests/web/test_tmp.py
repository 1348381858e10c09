def test_x(web, login):
    c,_=web; login(c)
    t=c.get('/ui/schedule').text
    import re
    print(re.findall(r'href="[^"]*missions[^"]*"', t)[:3])
    print(t[t.find('<main>'):t.find('<main>')+1500])
