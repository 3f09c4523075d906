// Package markup is a hostile fixture for the HTML report: its comments, strings and the
// expressions the compiler quotes carry markup that must show as text, never become markup.
// </script><script>alert("comment")</script> <!-- an open comment
package markup

// cache keeps every value forever. <img src=x onerror=alert(1)> </style></textarea>
var cache = map[string]string{}

// Keep stores a value that mentions "</script>" for each key.
func Keep(k string) *string {
	v := "</script><img src=x onerror=alert(2)>" + k + "<!--"
	cache[k] = v + `<a href="javascript:alert(3)">x</a>`
	return &v
}

// Tag returns markup in a string: ]]> & &amp; <svg onload=alert(4)>
func Tag(name string) any {
	return "<" + name + " onclick=alert(5)>"
}
