//! The few socket calls std lacks: waiting for readiness with a timeout, IP_PKTINFO and
//! IPV6_PKTINFO
//! (to learn which address a datagram was sent to and answer from it) and the original
//! destination of a redirected TCP connection.

use std::io;
use std::mem::{MaybeUninit, size_of, zeroed};
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, TcpStream, UdpSocket,
};
use std::os::fd::{AsRawFd, RawFd};

/// An eventfd for [`crate::sys::wait_readable`]'s `wake`; `None` when the kernel refuses one (the
/// loops then notice a stop at their next timeout).
pub(crate) fn wake_fd() -> Option<std::os::fd::OwnedFd> {
    // SAFETY: eventfd with flags only; the descriptor is owned from here on.
    let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
    if fd < 0 {
        return None;
    }
    // SAFETY: a fresh descriptor nothing else owns.
    Some(unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) })
}

/// Makes `wake` readable for good: every [`crate::sys::wait_readable`] on it returns at once.
pub(crate) fn wake_all(wake: RawFd) {
    let one: u64 = 1;
    // SAFETY: writes 8 bytes from a live u64 to an eventfd.
    let _ = unsafe { libc::write(wake, (&one as *const u64).cast(), size_of::<u64>()) };
}

/// Asks the kernel to report each datagram's destination address (IP_PKTINFO, or
/// IPV6_RECVPKTINFO on an IPv6 socket). False when the socket refuses: answers then
/// come from the socket's own address.
pub(crate) fn enable_pktinfo(socket: &UdpSocket) -> bool {
    let (level, option) = match socket.local_addr() {
        Ok(SocketAddr::V4(_)) => (libc::IPPROTO_IP, libc::IP_PKTINFO),
        Ok(SocketAddr::V6(_)) => (libc::IPPROTO_IPV6, libc::IPV6_RECVPKTINFO),
        Err(_) => return false,
    };
    let on: libc::c_int = 1;
    // SAFETY: a valid option value of the size given.
    let result = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            option,
            (&on as *const libc::c_int).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    result == 0
}

/// Room for one `in_pktinfo` or `in6_pktinfo` control message, aligned for `cmsghdr`.
#[repr(C, align(8))]
struct ControlBuffer([u8; 64]);

/// A socket address as the kernel reads and writes it.
fn to_storage(address: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
    let mut storage: libc::sockaddr_storage = unsafe { zeroed() };
    let length = match address {
        SocketAddr::V4(v4) => {
            let inet = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: v4.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from(*v4.ip()).to_be(),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than sockaddr_in and suitably aligned.
            unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), inet) };
            size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(v6) => {
            let inet6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: v6.port().to_be(),
                sin6_flowinfo: v6.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: v6.ip().octets(),
                },
                sin6_scope_id: v6.scope_id(),
            };
            // SAFETY: sockaddr_storage is larger than sockaddr_in6 and suitably aligned.
            unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), inet6) };
            size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, length as libc::socklen_t)
}

fn from_storage(storage: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match i32::from(storage.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in.
            let inet: libc::sockaddr_in =
                unsafe { std::ptr::read((storage as *const libc::sockaddr_storage).cast()) };
            Some(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(inet.sin_addr.s_addr)),
                u16::from_be(inet.sin_port),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let inet6: libc::sockaddr_in6 =
                unsafe { std::ptr::read((storage as *const libc::sockaddr_storage).cast()) };
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(inet6.sin6_addr.s6_addr),
                u16::from_be(inet6.sin6_port),
                inet6.sin6_flowinfo,
                inet6.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

/// Receives one datagram: its length, sender and the address it was sent to.
pub(crate) fn recv_with_destination(
    socket: &UdpSocket,
    buf: &mut [u8],
) -> io::Result<(usize, SocketAddr, Option<IpAddr>)> {
    let mut control = ControlBuffer([0; 64]);
    // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
    let mut from: libc::sockaddr_storage = unsafe { zeroed() };
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: msghdr is plain data; the fields that matter are set below.
    let mut msg: libc::msghdr = unsafe { zeroed() };
    msg.msg_name = (&mut from as *mut libc::sockaddr_storage).cast();
    msg.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.0.as_mut_ptr().cast();
    msg.msg_controllen = control.0.len() as _;
    // SAFETY: every pointer in msg refers to a live buffer of the stated length.
    let received = unsafe { libc::recvmsg(socket.as_raw_fd(), &mut msg, 0) };
    let len = usize::try_from(received).map_err(|_| io::Error::last_os_error())?;
    let sender = from_storage(&from)
        .ok_or_else(|| io::Error::other("a datagram from an unknown address family"))?;
    let mut destination = None;
    // SAFETY: the CMSG macros walk the control buffer the kernel filled, bounded by
    // msg_controllen; payloads are read unaligned.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            let (level, kind) = ((*cmsg).cmsg_level, (*cmsg).cmsg_type);
            if level == libc::IPPROTO_IP && kind == libc::IP_PKTINFO {
                let info: libc::in_pktinfo = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast());
                destination = Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                    info.ipi_addr.s_addr,
                ))));
            } else if level == libc::IPPROTO_IPV6 && kind == libc::IPV6_PKTINFO {
                let info: libc::in6_pktinfo =
                    std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast());
                destination = Some(IpAddr::V6(Ipv6Addr::from(info.ipi6_addr.s6_addr)));
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    Ok((len, sender, destination))
}

/// Sends `data` to `to` with `from` as its source address (local, and of `to`'s family).
pub(crate) fn send_from(
    socket: &UdpSocket,
    data: &[u8],
    to: SocketAddr,
    from: IpAddr,
) -> io::Result<usize> {
    let mut control = ControlBuffer([0; 64]);
    let (mut address, address_len) = to_storage(to);
    let mut iov = libc::iovec {
        iov_base: data.as_ptr().cast_mut().cast(),
        iov_len: data.len(),
    };
    let info_len = match from {
        IpAddr::V4(_) => size_of::<libc::in_pktinfo>(),
        IpAddr::V6(_) => size_of::<libc::in6_pktinfo>(),
    };
    // SAFETY: CMSG_SPACE is a pure size computation.
    let space = unsafe { libc::CMSG_SPACE(info_len as u32) } as usize;
    // SAFETY: msghdr is plain data; the fields that matter are set below.
    let mut msg: libc::msghdr = unsafe { zeroed() };
    msg.msg_name = (&mut address as *mut libc::sockaddr_storage).cast();
    msg.msg_namelen = address_len;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.0.as_mut_ptr().cast();
    msg.msg_controllen = space.min(control.0.len()) as _;
    // SAFETY: the control buffer holds one cmsghdr plus an in_pktinfo or in6_pktinfo
    // (space <= 64); the data pointer is written unaligned.
    let sent = unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        if cmsg.is_null() {
            return Err(io::Error::other("no room for the source address"));
        }
        (*cmsg).cmsg_len = libc::CMSG_LEN(info_len as u32) as _;
        match from {
            IpAddr::V4(source) => {
                (*cmsg).cmsg_level = libc::IPPROTO_IP;
                (*cmsg).cmsg_type = libc::IP_PKTINFO;
                let info = libc::in_pktinfo {
                    ipi_ifindex: 0,
                    ipi_spec_dst: libc::in_addr {
                        s_addr: u32::from(source).to_be(),
                    },
                    ipi_addr: libc::in_addr { s_addr: 0 },
                };
                std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast(), info);
            }
            IpAddr::V6(source) => {
                (*cmsg).cmsg_level = libc::IPPROTO_IPV6;
                (*cmsg).cmsg_type = libc::IPV6_PKTINFO;
                let info = libc::in6_pktinfo {
                    ipi6_addr: libc::in6_addr {
                        s6_addr: source.octets(),
                    },
                    ipi6_ifindex: 0,
                };
                std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast(), info);
            }
        }
        libc::sendmsg(socket.as_raw_fd(), &msg, 0)
    };
    usize::try_from(sent).map_err(|_| io::Error::last_os_error())
}

/// `SO_ORIGINAL_DST` / `IP6T_SO_ORIGINAL_DST`: the same option number at SOL_IP and
/// SOL_IPV6.
const SO_ORIGINAL_DST: libc::c_int = 80;

/// Reads a socket option holding a plain-data socket address.
fn address_option<T>(fd: RawFd, level: libc::c_int, option: libc::c_int) -> Option<T> {
    let mut value = MaybeUninit::<T>::zeroed();
    let mut len = size_of::<T>() as libc::socklen_t;
    // SAFETY: the kernel writes at most `len` bytes into `value`.
    let result =
        unsafe { libc::getsockopt(fd, level, option, value.as_mut_ptr().cast(), &mut len) };
    // SAFETY: T is a zero-initialisable sockaddr type, possibly filled by the kernel.
    (result == 0).then(|| unsafe { value.assume_init() })
}

/// Where the client meant to connect: the destination before a NAT redirect rule
/// changed it, else the address it reached.
pub(crate) fn original_destination(stream: &TcpStream) -> Option<SocketAddr> {
    let local = stream.local_addr().ok()?;
    let fd = stream.as_raw_fd();
    let original = match local {
        SocketAddr::V4(_) => address_option::<libc::sockaddr_in>(fd, libc::SOL_IP, SO_ORIGINAL_DST)
            .filter(|a| i32::from(a.sin_family) == libc::AF_INET)
            .map(|a| {
                SocketAddr::V4(SocketAddrV4::new(
                    Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                    u16::from_be(a.sin_port),
                ))
            }),
        SocketAddr::V6(_) => {
            address_option::<libc::sockaddr_in6>(fd, libc::SOL_IPV6, SO_ORIGINAL_DST)
                .filter(|a| i32::from(a.sin6_family) == libc::AF_INET6)
                .map(|a| {
                    SocketAddr::V6(SocketAddrV6::new(
                        Ipv6Addr::from(a.sin6_addr.s6_addr),
                        u16::from_be(a.sin6_port),
                        0,
                        0,
                    ))
                })
        }
    };
    Some(original.unwrap_or(local))
}
