a = 2
	b = a  *	 a # comment
;;
 c=a;d=((((((b))))))
